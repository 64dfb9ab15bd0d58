"""Who is viewing and who is typing in each conversation, kept in Redis with expiry.

Entries are sorted-set members scored by when they lapse: a tab that closes without saying goodbye
disappears when its entry lapses (viewers renew every heartbeat; typing lasts a few seconds).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from django.conf import settings
from redis import asyncio as aioredis

VIEW_SECONDS = 45
TYPING_SECONDS = 6
TYPING_THROTTLE_MS = 2000
KEY_SECONDS = 120

# One connection pool per event loop: an asyncio connection cannot move between loops.
_clients: dict[tuple[int, str], aioredis.Redis] = {}


def redis_client() -> aioredis.Redis:
    """A client for this event loop (decoding replies to str), on the configured Redis."""
    key = (id(asyncio.get_running_loop()), settings.REDIS_URL)
    if key not in _clients:
        _clients[key] = aioredis.from_url(settings.REDIS_URL, decode_responses=True)
    return _clients[key]


def _member(user_id: int, name: str) -> str:
    return f"{user_id}:{name}"


def _person(member: str) -> dict[str, Any]:
    user_id, _, name = member.partition(":")
    return {"id": int(user_id), "name": name}


def _keys(conversation_id: int) -> tuple[str, str]:
    return f"presence:view:{conversation_id}", f"presence:typing:{conversation_id}"


async def mark_viewing(conversation_id: int, user_id: int, name: str) -> None:
    viewing, _ = _keys(conversation_id)
    async with redis_client().pipeline(transaction=True) as pipe:
        pipe.zadd(viewing, {_member(user_id, name): time.time() + VIEW_SECONDS})
        pipe.expire(viewing, KEY_SECONDS)
        await pipe.execute()


async def stop_viewing(conversation_id: int, user_id: int, name: str) -> None:
    viewing, typing = _keys(conversation_id)
    async with redis_client().pipeline(transaction=True) as pipe:
        pipe.zrem(viewing, _member(user_id, name))
        pipe.zrem(typing, _member(user_id, name))
        await pipe.execute()


async def mark_typing(conversation_id: int, user_id: int, name: str) -> bool:
    """Note that the person types; False when they were noted less than the throttle ago (nothing to tell)."""
    _, typing = _keys(conversation_id)
    fresh = await redis_client().set(
        f"presence:typing-throttle:{conversation_id}:{user_id}", "1", nx=True, px=TYPING_THROTTLE_MS
    )
    if not fresh:
        return False
    async with redis_client().pipeline(transaction=True) as pipe:
        pipe.zadd(typing, {_member(user_id, name): time.time() + TYPING_SECONDS})
        pipe.expire(typing, KEY_SECONDS)
        await pipe.execute()
    return True


async def who_is_here(conversation_id: int) -> dict[str, list[dict[str, Any]]]:
    """The people viewing and typing now (lapsed entries are dropped on the way)."""
    viewing, typing = _keys(conversation_id)
    now = time.time()
    async with redis_client().pipeline(transaction=True) as pipe:
        pipe.zremrangebyscore(viewing, "-inf", now)
        pipe.zremrangebyscore(typing, "-inf", now)
        pipe.zrange(viewing, 0, -1)
        pipe.zrange(typing, 0, -1)
        _, _, viewers, typists = await pipe.execute()
    return {"viewers": [_person(m) for m in viewers], "typing": [_person(m) for m in typists]}
