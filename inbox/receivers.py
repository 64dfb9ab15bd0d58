"""Inbox listeners on ingest's signal: new conversations go round-robin when the brand asks for it."""

from __future__ import annotations

from typing import Any

from brands import settings_cache
from inbox.models import InboxSettings, Message
from inbox.services.workflow import do_route_new_conversations


def route_new_conversations(sender: Any, *, brand_id: int, message_ids: list[int], **kwargs: Any) -> None:
    """Runs inside the ingest transaction, so an assignment commits (or rolls back) with its messages."""
    if not settings_cache.remembered(
        "round_robin", brand_id, lambda: InboxSettings.objects.filter(brand_id=brand_id, round_robin=True).exists()
    ):
        return
    conversation_ids = set(Message.objects.filter(pk__in=message_ids).values_list("conversation_id", flat=True))
    do_route_new_conversations(brand_id=brand_id, conversation_ids=conversation_ids)
