"""The normalized shapes connectors hand to ingest; connectors know platforms, not conversations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.utils import timezone

# Reconciling looks for copies of a reply posted since its first attempt, less this much: the platform's
# clock and ours differ a little. Wider would take an earlier post of the same words for this reply.
RECONCILE_CLOCK_SKEW = timedelta(seconds=30)
CHECK_BEFORE_RETRYING = "Check on the platform before retrying."
NOT_MODERATED = "Promptly cannot moderate posts of this source: do it where it was published."


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
    # The platform's own id of the item when it has one: the same broken item reached by polling and by a
    # webhook (or polled twice) is quarantined once. Without one, the raw payload itself identifies it.
    item_id: str = ""


@dataclass
class FetchResult:
    """A page of one stream: what parsed, what did not, and where the next poll starts."""

    messages: list[InboundMessage] = field(default_factory=list)
    quarantined: list[QuarantinedPayload] = field(default_factory=list)
    position: dict[str, Any] = field(default_factory=dict)
    retry_after: datetime | None = None  # the platform asked us to wait (429) until then
    has_more: bool = False  # another page is ready now: poll again from position without waiting
    # The read stopped at this fault after its retries: the items here were fetched before it and are kept,
    # the position is where the next poll starts, and the stream pauses as for any fault.
    fault: PlatformUnavailable | None = None


@dataclass(frozen=True)
class OutboundReply:
    """A reply to deliver in the same channel and visibility as the message it answers."""

    idempotency_key: str
    text: str
    visibility: str  # inbox.models.Visibility value: public reply in the thread, or private message
    thread_key: str
    in_reply_to: str  # external id of the message answered (tweet, comment, DM)
    recipient_id: str = ""  # private messages: the customer's platform id
    first_attempted_at: datetime | None = None  # when delivery first went to the platform; None: not yet

    @property
    def reconcile_since(self) -> datetime:
        """The earliest platform time a copy of this reply can have: nothing older is this reply."""
        return (self.first_attempted_at or timezone.now()) - RECONCILE_CLOCK_SKEW


@dataclass(frozen=True)
class SentReceipt:
    external_id: str
    url: str = ""


class DeliveryRefused(Exception):
    """The platform refused this reply for a reason a person must see (not retried automatically)."""

    def __init__(self, reason: str, *, link: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link  # where the agent can answer by hand, e.g. the post on the platform


class DeliveryInDoubt(DeliveryRefused):
    """The platform's answer leaves doubt whether this reply is there: a person looks before it is retried.

    Never recorded as sent: the reason ends with CHECK_BEFORE_RETRYING, the link shows where to look.
    """

    def __init__(self, reason: str, *, link: str = "") -> None:
        super().__init__(f"{reason} {CHECK_BEFORE_RETRYING}", link=link)


class PossiblyPosted(DeliveryInDoubt):
    """The platform refused a post in a way that says it may already hold it (X's duplicate content):
    delivery looks for it again before it gives up."""


class PlatformUnavailable(Exception):
    """A passing fault (5xx, timeout, 429): try again later, no earlier than retry_after when given."""

    def __init__(self, reason: str, *, retry_after: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Moderation(StrEnum):
    """What a brand may do to a customer's public post on its platform, besides answering it."""

    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    LIKE = "like"
    UNLIKE = "unlike"


class ModerationRefused(Exception):
    """The platform refused a moderation for a reason a person must see (not retried automatically)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Connector(Protocol):
    """What every platform connector offers; built by monitoring.connectors.registry.connector_for()."""

    def streams(self) -> list[str]: ...

    def fetch(self, stream: str, position: dict[str, Any]) -> FetchResult: ...

    def send(self, reply: OutboundReply) -> SentReceipt: ...

    def find_sent(self, reply: OutboundReply) -> list[SentReceipt]:
        """Reconcile before a retry: every post of the brand that can be this reply, newest first.

        That is: in the same place (the same parent post or comment, the same recipient), posted since
        reply.reconcile_since, with the same text as the platform serves it back. Raises DeliveryInDoubt
        when it cannot read all of them.
        """
        ...

    def moderate(self, action: Moderation, external_id: str) -> None:
        """Do `action` to the post with this platform id. Repeating it leaves the same state (deleting what is
        gone is done); raises ModerationRefused, or PlatformUnavailable for a passing fault."""
        ...


class ItemReparser(Protocol):
    """Connectors that can parse a quarantined item again from its stored raw payload."""

    def parse_item(self, stream: str, raw: str) -> InboundMessage: ...
