"""The normalized shapes connectors hand to ingest; connectors know platforms, not conversations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class InboundAuthor:
    external_id: str
    handle: str = ""
    name: str = ""
    followers_count: int | None = None
    profile_url: str = ""


@dataclass(frozen=True)
class InboundMessage:
    """One post, comment, DM or feed entry as the platform gave it, normalized."""

    external_id: str
    thread_key: str  # X conversation_id, Facebook post id, DM partner id, feed entry id
    visibility: str  # inbox.models.Visibility value
    text: str
    platform_time: datetime
    author: InboundAuthor | None = None  # None when the platform did not say (withheld, missing expansion)
    url: str = ""
    in_reply_to: str = ""
    language_hint: str = ""
    is_from_brand: bool = False  # the brand's own post: stored as outbound, not new work
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QuarantinedPayload:
    raw: str
    reason: str


@dataclass
class FetchResult:
    """A page of one stream: what parsed, what did not, and where the next poll starts."""

    messages: list[InboundMessage] = field(default_factory=list)
    quarantined: list[QuarantinedPayload] = field(default_factory=list)
    position: dict[str, Any] = field(default_factory=dict)
    retry_after: datetime | None = None  # the platform asked us to wait (429) until then
