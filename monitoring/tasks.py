"""Celery tasks for polling: thin, id-only, idempotent; one poll of an account at a time."""

from __future__ import annotations

import uuid
from datetime import datetime

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from monitoring.health import check_listening
from monitoring.models import ChannelAccount
from monitoring.services import poll_account

# Longer than any poll should take; if a worker dies holding it, the lock frees itself after this.
LOCK_SECONDS = 600


def _lock_key(account_id: int) -> str:
    return f"poll-lock:{account_id}"


@shared_task(acks_late=True, ignore_result=True)
def poll_account_task(account_id: int) -> None:
    """Poll one account unless another worker is polling it right now (the cursor makes a rerun harmless)."""
    token = uuid.uuid4().hex
    if not cache.add(_lock_key(account_id), token, timeout=LOCK_SECONDS):
        return
    try:
        if not ChannelAccount.objects.filter(pk=account_id, enabled=True).exists():
            return
        reports = poll_account(account_id)
    finally:
        if cache.get(_lock_key(account_id)) == token:
            cache.delete(_lock_key(account_id))
    resume_at = min((r.paused_until for r in reports if r.paused_until), default=None)
    if resume_at is not None:
        _reschedule(account_id, resume_at)


def _reschedule(account_id: int, at: datetime) -> None:
    """A rate-limited stream is polled again as soon as the platform allows, instead of sleeping here."""
    interval = ChannelAccount.objects.filter(pk=account_id).values_list("poll_interval_seconds", flat=True).first()
    if interval is None or (at - timezone.now()).total_seconds() >= interval:
        return  # beat comes back before then anyway
    transaction.on_commit(lambda: poll_account_task.apply_async((account_id,), eta=at))


@shared_task(acks_late=True, ignore_result=True)
def check_listening_task() -> None:
    """Beat, every minute: alert once for streams failing or silent past their threshold, note recoveries."""
    check_listening()
