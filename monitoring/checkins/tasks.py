"""Celery tasks of the check-in schedule."""

from __future__ import annotations

from celery import shared_task

from monitoring.checkins import services


@shared_task(acks_late=True, ignore_result=True)
def send_check_in_reminders() -> int:
    return services.send_check_in_reminders()
