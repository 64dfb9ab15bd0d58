"""Live events to browsers: published to the brand's Channels group, only after commit."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

from inbox import live_log

# A send that Redis has not taken after this long fails loudly instead of holding a worker.
SEND_TIMEOUT_SECONDS = 10


class _SenderLoop:
    """One event loop per process, in a thread of its own, that every synchronous send goes through.

    The channel layer keeps its Redis connections per event loop: async_to_sync ran each send on a
    fresh loop, which cost a new connection (and a thread) per event. One long-lived loop reuses them,
    and works the same from a thread that already runs a loop (Playwright's sync API does).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked worker inherits the object but not the thread running the loop: it starts its own.
            if self._loop is None or self._pid != os.getpid():
                self._loop = asyncio.new_event_loop()
                self._pid = os.getpid()
                threading.Thread(target=self._loop.run_forever, name="live-events", daemon=True).start()
            return self._loop


_sender = _SenderLoop()


def brand_group(brand_id: int) -> str:
    return f"brand_{brand_id}"


def group_send(group: str, message: dict[str, Any]) -> None:
    """Send to a Channels group from synchronous code, whatever thread it runs in."""
    layer = get_channel_layer()
    if layer is None:
        return
    _run(layer.group_send(group, message))


def _run(work: Coroutine[Any, Any, None]) -> None:
    future = asyncio.run_coroutine_threadsafe(work, _sender.loop())
    future.result(timeout=SEND_TIMEOUT_SECONDS)


async def _log_and_send(brand_id: int, message: dict[str, Any]) -> None:
    """Keep the event in the brand's live log, then send it with the log's id (pages catch up from there)."""
    layer = get_channel_layer()
    if layer is None:
        return
    event_id = await live_log.append(brand_id, {key: value for key, value in message.items() if key != "type"})
    await layer.group_send(brand_group(brand_id), {**message, "brand_id": brand_id, "event_id": event_id})


def publish_on_commit(*, brand_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Send {"type": "inbox.event", "kind": kind, **payload} to the brand's group once the transaction commits.

    A browser never sees what was rolled back (Zulip's send_event_on_commit).
    """
    message = {"type": "inbox.event", "kind": kind, **payload}
    transaction.on_commit(lambda: _run(_log_and_send(brand_id, message)))


# Sent to a person's own group when their role, brands or account changed: open sockets re-check access.
ACCESS_CHANGED = "access_changed"


def user_group(user_id: int) -> str:
    return f"user_{user_id}"


def publish_to_user_on_commit(*, user_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Like publish_on_commit, for events only one person's open pages care about (their bulk jobs)."""
    message = {"type": "inbox.event", "kind": kind, **payload}
    transaction.on_commit(lambda: group_send(user_group(user_id), message))


async def follow_brands(layer: Any, channel_name: str, *, before: list[int], after: list[int]) -> None:
    """Move a socket's brand groups from the brands it had to the ones it has now (access changed)."""
    for gone in set(before) - set(after):
        await layer.group_discard(brand_group(gone), channel_name)
    for new in set(after) - set(before):
        await layer.group_add(brand_group(new), channel_name)
