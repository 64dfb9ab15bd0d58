"""The inbox's Celery tasks as the services start them, after commit and by name: services never import the
tasks module (which imports them), so no import cycle needs hiding inside a function."""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def _after_commit(task_name: str, *args: int) -> None:
    # The task object from the registry (not send_task), so eager mode in tests runs it in this process.
    transaction.on_commit(lambda: current_app.tasks[task_name].delay(*args))


def deliver_reply(message_id: int) -> None:
    _after_commit("inbox.tasks.deliver_reply", message_id)


def run_bulk_job(job_id: int) -> None:
    _after_commit("inbox.tasks.run_bulk_job", job_id)
