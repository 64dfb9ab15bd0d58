"""Changes to monitored queries, and recording which queries each ingested message matched."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from brands.models import Brand
from inbox.models import Direction, Message
from monitoring.queries.matcher import Document
from monitoring.queries.models import MessageQueryMatch, MonitoredQuery
from monitoring.queries.selectors import matchers_for


@transaction.atomic
def add_query(
    *,
    brand: Brand,
    name: str,
    query: str,
    languages: Sequence[str] = (),
    channels: Sequence[str] = (),
    enabled: bool = True,
) -> MonitoredQuery:
    """Create a query; raises ValidationError (with the position of a syntax error) for bad input."""
    monitored = MonitoredQuery(
        brand=brand, name=name, query=query, languages=list(languages), channels=list(channels), enabled=enabled
    )
    monitored.full_clean()
    monitored.save()
    return monitored


@transaction.atomic
def change_query(*, monitored: MonitoredQuery, query: str) -> MonitoredQuery:
    monitored.query = query
    monitored.full_clean()
    monitored.save(update_fields=["query", "updated_at"])
    return monitored


def record_matches(
    *, brand_id: int, message_ids: Sequence[int], fingerprint: tuple[object, ...] | None = None
) -> list[MessageQueryMatch]:
    """Store which of the brand's queries each new inbound message matched (runs inside ingest's transaction).

    `fingerprint` (monitoring.queries.selectors.queries_fingerprint) saves a query when the caller has it.
    """
    matchers = matchers_for(brand_id, fingerprint)
    if not matchers or not message_ids:
        return []
    rows = Message.objects.filter(pk__in=message_ids, direction=Direction.INBOUND).values_list(
        "pk", "conversation_id", "text", "language", "account__platform", "author__handle", "in_reply_to"
    )
    now = timezone.now()
    found: list[MessageQueryMatch] = []
    for pk, conversation_id, text, language, platform, author, in_reply_to in rows:
        document = Document.of(text, language=language, channel=platform, author=author or "", in_reply_to=in_reply_to)
        found.extend(
            MessageQueryMatch(message_id=pk, query_id=query_id, conversation_id=conversation_id, matched_at=now)
            for query_id, predicate in matchers
            if predicate(document)
        )
    # A message ingested twice (a retried batch) keeps one row per query.
    MessageQueryMatch.objects.bulk_create(found, ignore_conflicts=True)
    return found
