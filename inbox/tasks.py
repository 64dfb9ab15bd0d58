"""Celery tasks of the inbox: thin, idempotent wrappers around the services (they take ids)."""

from __future__ import annotations

from datetime import datetime

from celery import Task, shared_task
from django.utils import timezone

from inbox import bulk
from inbox.services import delivery, workflow

# Retries of a reply while its platform is unavailable: 10 s, 20 s, 40 s … capped at 10 minutes,
# or later when the platform said when (HTTP 429 reset), but within the broker's redelivery time
# (PROMPTLY_REDELIVERY_SECONDS, an hour by default), past which a waiting task would be handed out twice.
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 600
RETRY_AFTER_CAP_SECONDS = 3000
MAX_DELIVERY_RETRIES = 8


def backoff_seconds(retries: int, retry_after: datetime | None) -> int:
    wait = min(BACKOFF_BASE_SECONDS * 2**retries, BACKOFF_CAP_SECONDS)
    if retry_after is not None:
        asked = int((retry_after - timezone.now()).total_seconds()) + 1
        wait = max(wait, min(asked, RETRY_AFTER_CAP_SECONDS))
    return wait


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_DELIVERY_RETRIES)
def deliver_reply(self: Task, message_id: int) -> str:
    """Deliver one queued reply; running it again never posts twice (see inbox.services.delivery)."""
    outcome = delivery.deliver(message_id=message_id)
    if outcome.status != "retry":
        return outcome.status
    if self.request.retries >= MAX_DELIVERY_RETRIES:
        delivery.give_up(message_id=message_id, reason=outcome.reason)
        return "failed"
    countdown = backoff_seconds(self.request.retries, outcome.retry_after)
    delivery.hold_for_retry(message_id=message_id, seconds=countdown)
    raise self.retry(countdown=countdown)


@shared_task(acks_late=True)
def redeliver_stalled_replies() -> int:
    """Hand replies whose delivery task was lost or whose worker died back to the workers (beat runs it)."""
    stalled = delivery.stalled_replies()
    for message_id in stalled:
        deliver_reply.delay(message_id)
    return len(stalled)


@shared_task(acks_late=True)
def run_bulk_job(job_id: int) -> None:
    """Apply a bulk action to each conversation not done yet (safe to run again)."""
    bulk.run_bulk_job(job_id=job_id)


@shared_task(acks_late=True)
def wake_snoozed() -> int:
    return len(workflow.do_wake_snoozed())
