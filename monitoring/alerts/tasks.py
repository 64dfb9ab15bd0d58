"""Celery tasks for alerts: thin, idempotent, ids only."""

from __future__ import annotations

from celery import shared_task

from monitoring.alerts import services


@shared_task(acks_late=True, ignore_result=True)
def deliver_alert(delivery_id: int) -> str:
    """Send one alert; a failure is recorded and retried by `retry_alerts` after a capped backoff."""
    return services.deliver(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def retry_alerts() -> int:
    """Beat, every minute: close due digests and (re)try deliveries that are due."""
    services.flush_due_digests()
    due = services.due_deliveries()
    for delivery_id in due:
        deliver_alert.delay(delivery_id)
    return len(due)
