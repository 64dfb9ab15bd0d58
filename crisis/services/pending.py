"""Ingest batches waiting to be counted: their message ids, pushed to a Redis list after each batch commits.

Ingest pays one RPUSH per batch (no Celery message to build); the minute's beat task drains the list
before it evaluates the brands. Draining reads a slice, counts and links it (both idempotent: a batch is
claimed by its first message id), then trims what it read, under a lock so two drains never trim each
other's slice. A drain that dies before the trim leaves the slice for the next one, which counts nothing
twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import redis
from django.conf import settings

from crisis.services.counts import count_batch
from crisis.services.incidents import link_arrivals

DRAIN_SLICE = 2000
DRAIN_LOCK_SECONDS = 300


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


def _key() -> str:
    # One list per database, so a test database never drains the development one's batches.
    return f"promptly:crisis:pending:{settings.DATABASES['default']['NAME']}"


def note_batch(*, message_ids: Sequence[int]) -> None:
    if message_ids:
        _client().rpush(_key(), ",".join(str(pk) for pk in message_ids))


def drain() -> int:
    """Count and link the batches noted so far; returns how many (0 when another drain holds the lock)."""
    client, key, drained = _client(), _key(), 0
    lock = client.lock(f"{key}:drain", timeout=DRAIN_LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        return 0
    try:
        while items := client.lrange(key, 0, DRAIN_SLICE - 1):
            for item in items:
                ids = [int(pk) for pk in str(item).split(",") if pk]
                count_batch(message_ids=ids)
                link_arrivals(message_ids=ids)
            client.ltrim(key, len(items), -1)
            drained += len(items)
    finally:
        lock.release()
    return drained


def forget_pending() -> None:
    _client().delete(_key())
