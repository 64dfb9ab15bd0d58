"""Celery tasks of the crisis detector: thin, idempotent, ids only."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from brands.models import Brand
from crisis.services import counts, pending
from crisis.services.detect import detect_brand

COUNTED_BATCHES_KEPT = timedelta(days=2)


@shared_task(acks_late=True, ignore_result=True)
def detect_spikes() -> int:
    """Beat, every minute: count the batches stored since, then a task per brand for the minute that just ended
    (one brand's fault stops no other)."""
    pending.drain()
    now = timezone.now().replace(second=0, microsecond=0)
    brand_ids = list(Brand.objects.values_list("pk", flat=True))
    for brand_id in brand_ids:
        detect_brand_minute.delay(brand_id, now.isoformat())
    counts.forget_counted_batches(before=now - COUNTED_BATCHES_KEPT)
    return len(brand_ids)


@shared_task(acks_late=True, ignore_result=True)
def detect_brand_minute(brand_id: int, minute: str) -> str:
    """Evaluate one brand for one minute; run again for the same minute, it finds the storm it recorded."""
    return detect_brand(brand_id=brand_id, now=datetime.fromisoformat(minute)).event
