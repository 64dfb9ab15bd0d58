"""Celery tasks of the SLA clock: thin wrappers over inbox.sla services, ids only, idempotent."""

from __future__ import annotations

from celery import shared_task

from inbox.sla.escalation import fire_warnings
from inbox.sla.rollups import refresh


@shared_task(name="inbox.sla.escalate", acks_late=True, ignore_result=True)
def escalate() -> int:
    """Fire the at-risk / breached warnings now due (beat runs it every minute); returns how many fired."""
    return len(fire_warnings())


@shared_task(name="inbox.sla.refresh_rollups", acks_late=True, ignore_result=True)
def refresh_rollups() -> int:
    """Rebuild the daily rollups of marked and missing recent days (beat, every five minutes); returns days."""
    return sum(len(days) for days in refresh().values())
