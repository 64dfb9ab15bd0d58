"""Turn a connector's InboundMessages into rows the inbox can store without ever failing on a detail.

Platforms send hostile and partial data: NUL bytes PostgreSQL refuses, ids longer than a column,
links that are not web links, naive times. A single such value must not roll back a whole batch,
so every value is bounded and cleaned here; only an item without an id of its own is quarantined.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from inbox.enrichment import UNKNOWN, Enrichment, detect_languages, enrich, priority_score, read
from inbox.models import DeliveryStatus, Direction, Sentiment, Visibility
from monitoring.connectors.base import InboundAuthor, InboundMessage, QuarantinedPayload

logger = logging.getLogger(__name__)

MAX_TEXT = 100_000
MAX_ID = 500
MAX_URL = 2000
MAX_HANDLE = 200
MAX_NAME = 300
MAX_SUBJECT = 300
MAX_FOLLOWERS = 2_147_483_647
# Built once: Choices.values makes a new list at each call, which was half the cost of preparing a message.
VISIBILITIES = frozenset(Visibility.values)


AuthorFields = tuple[str, str, str, int | None, str]


@dataclass
class Row:
    """One message ready for the bulk insert, with its enrichment."""

    external_id: str
    thread_key: str  # the place; with customer_key, the conversation (inbox.services.conversation_keys)
    direction: str
    visibility: str
    text: str
    url: str
    in_reply_to: str
    platform_time: datetime
    # The author's cleaned (external_id, handle, name, followers, profile_url); None when unknown.
    author: AuthorFields | None
    raw: dict[str, Any]
    language_hint: str = ""
    language: str = ""
    sentiment: str = Sentiment.NEUTRAL
    priority: int = 0
    delivery_status: str = ""
    subject: str = field(default="")
    customer_key: str = ""


def valid_text(value: str) -> str:
    """Text PostgreSQL stores: no NUL, no lone surrogate (json.loads lets '\\ud800' through)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "")


def clean(value: str, limit: int) -> str:
    return valid_text(value)[:limit]


def clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {clean(str(key), MAX_TEXT): clean_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(item) for item in value]
    return value


def raw_json(raw: dict[str, Any]) -> str:
    """The platform payload as JSON PostgreSQL accepts (jsonb refuses \\u0000)."""
    text = json.dumps(raw, default=str, ensure_ascii=False)
    if "\\u0000" in text or valid_text(text) != text:
        text = json.dumps(clean_json(raw), default=str, ensure_ascii=False)
    return text


def web_url(url: str) -> str:
    """Only http(s) links are kept: a javascript: or data: link from a platform is never shown."""
    url = clean(url.strip(), MAX_URL)
    return url if url.lower().startswith(("https://", "http://")) else ""


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def subject_of(text: str) -> str:
    first_line = text.strip().split("\n", 1)[0]
    return first_line[:MAX_SUBJECT]


def to_row(message: InboundMessage) -> Row:
    text = clean(message.text, MAX_TEXT)
    external_id = clean(message.external_id.strip(), MAX_ID)
    visibility = message.visibility if message.visibility in VISIBILITIES else Visibility.PRIVATE
    return Row(
        external_id=external_id,
        # A post the platform files under no thread is a thread of its own.
        thread_key=clean(message.thread_key.strip(), MAX_ID) or external_id,
        direction=Direction.OUTBOUND if message.is_from_brand else Direction.INBOUND,
        # Unknown visibility is treated as private: answering a private message in public would leak it.
        visibility=visibility,
        text=text,
        url=web_url(message.url),
        in_reply_to=clean(message.in_reply_to, MAX_ID),
        platform_time=aware(message.platform_time),
        author=author_fields(message.author) if message.author and message.author.external_id.strip() else None,
        raw=message.raw,
        language_hint=message.language_hint,
        delivery_status=DeliveryStatus.SENT if message.is_from_brand else "",
        subject=subject_of(text),
    )


def enrich_rows(rows: list[Row]) -> None:
    """Language, sentiment and priority of each row; the batch's languages are detected together."""
    languages: list[str | None]
    try:
        languages = list(detect_languages([(row.text, row.language_hint) for row in rows]))
    except Exception:
        # One post that trips the detector must not cost the others their language: each alone, then.
        logger.exception("language detection failed for a batch of %d; detecting each post alone", len(rows))
        languages = [None] * len(rows)
    for row, language in zip(rows, languages, strict=True):
        _enrich_row(row, language)


def _enrich_row(row: Row, language: str | None) -> None:
    try:
        reading = enrich(row.text, row.language_hint) if language is None else read(row.text, language)
    except Exception:
        # Enrichment is a nicety; the mention is not. A flaw in it must never hold back the batch
        # (which would be refetched and fail again for ever): store the post unscored and say so.
        logger.exception("enrichment failed for %r; stored without language or sentiment", row.external_id)
        reading = Enrichment(language="", sentiment=UNKNOWN, priority_signals=frozenset())
    row.language = reading.language[:8]
    row.sentiment = reading.sentiment
    followers = row.author[3] if row.author else None
    row.priority = (
        0 if row.direction == Direction.OUTBOUND else priority_score(reading.priority_signals, followers=followers)
    )


@dataclass
class PreparedBatch:
    rows: list[Row]
    duplicates: int
    rejected: list[QuarantinedPayload]


def prepare(messages: list[InboundMessage]) -> PreparedBatch:
    """Rows keyed by external id (first copy wins), counting repeats, and items with no id to quarantine."""
    rows: dict[str, Row] = {}
    duplicates = 0
    rejected: list[QuarantinedPayload] = []
    for message in messages:
        row = to_row(message)
        if not row.external_id:
            rejected.append(QuarantinedPayload(raw=raw_json(row.raw), reason="The platform gave this item no id."))
        elif row.external_id in rows:
            duplicates += 1
        else:
            rows[row.external_id] = row
    return PreparedBatch(rows=list(rows.values()), duplicates=duplicates, rejected=rejected)


def author_fields(author: InboundAuthor) -> AuthorFields:
    followers = author.followers_count
    if followers is not None and not 0 <= followers <= MAX_FOLLOWERS:
        followers = None
    return (
        clean(author.external_id.strip(), MAX_HANDLE),
        clean(author.handle, MAX_HANDLE),
        clean(author.name, MAX_NAME),
        followers,
        web_url(author.profile_url),
    )
