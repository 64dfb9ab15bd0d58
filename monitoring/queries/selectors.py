"""Reads about monitored queries: compiled X searches, per-brand matchers, previews, matches per conversation."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from brands.models import Brand
from inbox.models import Direction, Message
from monitoring.queries.compiler_x import XCompileError, compile_x
from monitoring.queries.matcher import Document, Predicate, compile_matcher
from monitoring.queries.models import MessageQueryMatch, MonitoredQuery
from monitoring.queries.parser import ParsedQuery, QuerySyntaxError

logger = logging.getLogger(__name__)

PREVIEW_DAYS = 7
PREVIEW_SCAN_LIMIT = 20_000
PREVIEW_EXAMPLES = 5


def x_search_queries(brand: Brand) -> list[str]:
    """Every X search the brand's enabled queries need (the X connector's `search` stream runs each)."""
    searches: list[str] = []
    for query in MonitoredQuery.objects.filter(brand=brand, enabled=True).order_by("pk"):
        try:
            searches.extend(compile_x(query.parsed(), max_length=settings.PROMPTLY_X_QUERY_MAX_LENGTH))
        except (QuerySyntaxError, XCompileError):
            # Saved before a rule changed (e.g. a lower length limit): skipped, and said so.
            logger.warning("monitored query %s of brand %s cannot be searched on X", query.pk, brand.slug)
    return list(dict.fromkeys(searches))


@dataclass(frozen=True)
class BrandMatchers:
    fingerprint: tuple[object, ...]
    matchers: tuple[tuple[int, Predicate], ...]  # (query id, predicate)


# Compiled once per brand per process; a cheap fingerprint query tells when the queries changed.
_matchers: dict[int, BrandMatchers] = {}


def queries_fingerprint(brand_id: int) -> tuple[object, ...]:
    """Changes whenever a query of the brand is added, changed or deleted."""
    figures = MonitoredQuery.objects.filter(brand_id=brand_id).aggregate(count=Count("pk"), changed=Max("updated_at"))
    return (figures["count"] or 0, figures["changed"])


def matchers_for(brand_id: int, fingerprint: tuple[object, ...] | None = None) -> tuple[tuple[int, Predicate], ...]:
    """The brand's enabled queries as compiled predicates, recompiled only after a query changed."""
    fingerprint = fingerprint or queries_fingerprint(brand_id)
    if not fingerprint[0]:
        return ()
    cached = _matchers.get(brand_id)
    if cached and cached.fingerprint == fingerprint:
        return cached.matchers
    compiled: list[tuple[int, Predicate]] = []
    for query in MonitoredQuery.objects.filter(brand_id=brand_id, enabled=True):
        try:
            compiled.append((query.pk, compile_matcher(query.parsed())))
        except QuerySyntaxError:
            logger.warning("monitored query %s no longer parses; it matches nothing", query.pk)
    _matchers[brand_id] = BrandMatchers(fingerprint, tuple(compiled))
    return _matchers[brand_id].matchers


@dataclass(frozen=True)
class Preview:
    count: int
    scanned: int
    examples: list[Message]
    days: int = PREVIEW_DAYS
    truncated: bool = False


def preview_matches(*, brand: Brand, query: ParsedQuery) -> Preview:
    """How many inbound messages of the last 7 days the query matches, with the newest few."""
    predicate = compile_matcher(query)
    since = timezone.now() - timedelta(days=PREVIEW_DAYS)
    rows = (
        Message.objects.filter(conversation__brand=brand, direction=Direction.INBOUND, platform_time__gte=since)
        .order_by("-platform_time", "-pk")
        .values_list("pk", "text", "language", "account__platform", "author__handle", "in_reply_to")[
            :PREVIEW_SCAN_LIMIT
        ]
    )
    matched: list[int] = []
    scanned = 0
    for pk, text, language, platform, author, in_reply_to in rows.iterator(chunk_size=2000):
        scanned += 1
        document = Document.of(text, language=language, channel=platform, author=author or "", in_reply_to=in_reply_to)
        if predicate(document):
            matched.append(pk)
    examples = list(
        Message.objects.filter(pk__in=matched[:PREVIEW_EXAMPLES])
        .select_related("author", "account")
        .order_by("-platform_time", "-pk")
    )
    return Preview(len(matched), scanned, examples, truncated=scanned >= PREVIEW_SCAN_LIMIT)


def queries_by_conversation(conversation_ids: list[int]) -> dict[int, list[MonitoredQuery]]:
    """The queries that matched any message of each conversation, for badges in the queue (one query)."""
    found: dict[int, dict[int, MonitoredQuery]] = defaultdict(dict)
    matches = MessageQueryMatch.objects.filter(conversation_id__in=conversation_ids).select_related("query")
    for match in matches.order_by("query__name"):
        found[match.conversation_id][match.query_id] = match.query
    return {conversation_id: list(queries.values()) for conversation_id, queries in found.items()}
