"""What listening does when inbox ingests messages or the SLA clock warns (inbox does not know us)."""

from __future__ import annotations

from typing import Any

from inbox.signals import messages_ingested, sla_warning
from monitoring.alerts.conditions import hits_for_messages, hits_for_sla_warning
from monitoring.alerts.services import raise_alerts
from monitoring.checkins.services import note_mentions_for_coverage
from monitoring.queries.services import record_matches


def on_messages_ingested(*, brand_id: int, message_ids: list[int], **kwargs: Any) -> None:
    """In ingest's transaction: record query matches first, since alert rules read them."""
    record_matches(brand_id=brand_id, message_ids=message_ids)
    raise_alerts(hits=hits_for_messages(brand_id=brand_id, message_ids=message_ids))
    note_mentions_for_coverage(brand_id=brand_id, count=len(message_ids))


def on_sla_warning(*, brand_id: int, conversation_id: int, kind: str, **kwargs: Any) -> None:
    raise_alerts(hits=hits_for_sla_warning(brand_id=brand_id, conversation_id=conversation_id, kind=kind))


def connect() -> None:
    messages_ingested.connect(on_messages_ingested, dispatch_uid="monitoring.messages_ingested")
    sla_warning.connect(on_sla_warning, dispatch_uid="monitoring.sla_warning")
