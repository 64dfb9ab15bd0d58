"""The recent events of each brand, kept in a Redis stream, so a page that reconnects catches up.

Every brand event gets the id of its stream entry ("<ms>-<n>", increasing); pages remember the last
id they saw per brand and, on reconnect, ask for what came after. The stream keeps the last
KEPT_EVENTS events: a page that missed more than that is told to reload instead.
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from inbox.presence import redis_client

KEPT_EVENTS = 2000


def _key(brand_id: int) -> str:
    return f"live:brand:{brand_id}"


def _parsed(event_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = event_id.partition("-")
    return int(milliseconds), int(sequence or 0)


def valid_id(value: Any) -> TypeGuard[str]:
    if not isinstance(value, str) or len(value) > 40:
        return False
    milliseconds, _, sequence = value.partition("-")
    return milliseconds.isdigit() and sequence.isdigit()


async def append(brand_id: int, event: dict[str, Any]) -> str:
    """Keep the event in the brand's stream; its id."""
    return str(await redis_client().xadd(_key(brand_id), {"event": json.dumps(event)}, maxlen=KEPT_EVENTS))


async def last_id(brand_id: int) -> str:
    """The id of the brand's latest event ("0-0" before the first)."""
    latest = await redis_client().xrevrange(_key(brand_id), count=1)
    return str(latest[0][0]) if latest else "0-0"


async def since(brand_id: int, after: str) -> list[dict[str, Any]] | None:
    """The brand's events after `after`, oldest first, each with brand_id and event_id; None when some of
    them are no longer kept (the page must reload)."""
    client = redis_client()
    async with client.pipeline(transaction=False) as pipe:
        pipe.xrange(_key(brand_id), min=f"({after}", count=KEPT_EVENTS)
        pipe.xrange(_key(brand_id), count=1)
        pipe.xlen(_key(brand_id))
        entries, first, length = await pipe.execute()
    trimmed = length >= KEPT_EVENTS and first and _parsed(first[0][0]) > _parsed(after)
    if trimmed or len(entries) >= KEPT_EVENTS:
        return None
    return [{**json.loads(fields["event"]), "brand_id": brand_id, "event_id": event_id} for event_id, fields in entries]
