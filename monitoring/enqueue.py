"""Monitoring's Celery tasks as its services start them, after commit and by name: services never import the
tasks modules (which import them), so no import cycle needs hiding inside a function."""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def deliver_alert(delivery_id: int) -> None:
    # The task object from the registry (not send_task), so eager mode in tests runs it in this process.
    transaction.on_commit(lambda: current_app.tasks["monitoring.alerts.tasks.deliver_alert"].delay(delivery_id))
