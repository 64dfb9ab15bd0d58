"""What listening does when inbox ingests messages or the SLA clock warns (inbox does not know us)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Subquery

from brands import settings_cache
from brands.models import Brand
from inbox.services.priority import mark_query_matches
from inbox.signals import messages_ingested, sla_warning
from monitoring.alerts.conditions import hits_for_messages, hits_for_sla_warning
from monitoring.alerts.models import AlertRule
from monitoring.alerts.services import raise_alerts
from monitoring.checkins.models import Shift
from monitoring.checkins.services import note_mentions_for_coverage
from monitoring.queries.models import MonitoredQuery
from monitoring.queries.services import record_matches


@dataclass(frozen=True)
class _Listening:
    queries_fingerprint: tuple[object, ...]
    has_rules: bool
    has_shifts: bool


def _listening(brand_id: int) -> _Listening:
    """What the brand has set up, in one query, so a brand with none of it costs ingest one query."""
    queries = MonitoredQuery.objects.filter(brand_id=OuterRef("pk")).order_by()
    row = (
        Brand.objects.filter(pk=brand_id)
        .annotate(
            query_count=Subquery(queries.values("brand_id").annotate(n=Count("pk")).values("n")),
            query_changed=Subquery(queries.order_by("-updated_at").values("updated_at")[:1]),
            has_rules=Exists(AlertRule.objects.filter(brand_id=OuterRef("pk"), enabled=True, listening_health=False)),
            has_shifts=Exists(Shift.objects.filter(brand_id=OuterRef("pk"))),
        )
        .values_list("query_count", "query_changed", "has_rules", "has_shifts")
        .first()
    )
    if row is None:
        return _Listening((0, None), False, False)
    count, changed, has_rules, has_shifts = row
    return _Listening((count or 0, changed), has_rules, has_shifts)


def on_messages_ingested(*, brand_id: int, message_ids: list[int], **kwargs: Any) -> None:
    """In ingest's transaction: record query matches first, since alert rules read them."""
    listening = settings_cache.remembered("listening", brand_id, lambda: _listening(brand_id))
    if listening.queries_fingerprint[0]:
        matches = record_matches(brand_id=brand_id, message_ids=message_ids, fingerprint=listening.queries_fingerprint)
        mark_query_matches(message_ids=sorted({match.message_id for match in matches}))
    if listening.has_rules:
        raise_alerts(hits=hits_for_messages(brand_id=brand_id, message_ids=message_ids))
    if listening.has_shifts:
        note_mentions_for_coverage(brand_id=brand_id, count=len(message_ids))


def on_sla_warning(*, brand_id: int, conversation_id: int, kind: str, **kwargs: Any) -> None:
    raise_alerts(hits=hits_for_sla_warning(brand_id=brand_id, conversation_id=conversation_id, kind=kind))


def connect() -> None:
    messages_ingested.connect(on_messages_ingested, dispatch_uid="monitoring.messages_ingested")
    sla_warning.connect(on_sla_warning, dispatch_uid="monitoring.sla_warning")
