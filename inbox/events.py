"""Live events to browsers: published to the brand's Channels group, only after commit."""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def brand_group(brand_id: int) -> str:
    return f"brand_{brand_id}"


def publish_on_commit(*, brand_id: int, kind: str, payload: dict[str, Any]) -> None:
    """Send {"type": "inbox.event", "kind": kind, **payload} to the brand's group once the transaction commits.

    A browser never sees what was rolled back (Zulip's send_event_on_commit).
    """

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(brand_group(brand_id), {"type": "inbox.event", "kind": kind, **payload})

    transaction.on_commit(send)
