"""Celery tasks of the check-in schedule."""

from __future__ import annotations

from celery import shared_task

from monitoring.checkins import services
from promptly.celery import app

app.conf.beat_schedule["monitoring-check-in-reminders"] = {
    "task": "monitoring.checkins.tasks.send_check_in_reminders",
    "schedule": 60.0,
}


@shared_task(acks_late=True, ignore_result=True)
def send_check_in_reminders() -> int:
    return services.send_check_in_reminders()
