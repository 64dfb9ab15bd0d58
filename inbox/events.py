"""Live events to browsers: published to the brand's Channels group, only after commit."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def brand_group(brand_id: int) -> str:
    return f"brand_{brand_id}"


def group_send(group: str, message: dict[str, Any]) -> None:
    """Send to a Channels group from synchronous code, whatever thread it runs in."""
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send(group, message)
        return
    # This thread runs an event loop (Playwright's sync API does, in the browser tests), where
    # async_to_sync refuses to nest: deliver from a short-lived thread instead.
    sender = threading.Thread(target=send, args=(group, message))
    sender.start()
    sender.join()


def publish_on_commit(*, brand_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Send {"type": "inbox.event", "kind": kind, **payload} to the brand's group once the transaction commits.

    A browser never sees what was rolled back (Zulip's send_event_on_commit).
    """
    message = {"type": "inbox.event", "kind": kind, **payload}
    transaction.on_commit(lambda: group_send(brand_group(brand_id), message))


def user_group(user_id: int) -> str:
    return f"user_{user_id}"


def publish_to_user_on_commit(*, user_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Like publish_on_commit, for events only one person's open pages care about (their bulk jobs)."""
    message = {"type": "inbox.event", "kind": kind, **payload}
    transaction.on_commit(lambda: group_send(user_group(user_id), message))
