"""SLA test data: conversations and messages at chosen times, moved through the SLA services."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User
from brands.models import Brand
from inbox.models import Conversation, DeliveryStatus, Direction, Message, Status, Visibility
from inbox.sla.selectors import Dashboard, DashboardFilters, dashboard
from inbox.sla.services import record_response, start_clocks
from monitoring.models import ChannelAccount, Platform

_ids = itertools.count(1)
LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=LA)  # Tuesday noon


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LA)


def board_for(brand: Brand, **narrow: object) -> Dashboard:
    """The dashboard of November 16-24 in Los Angeles, seen at NOW."""
    filters = DashboardFilters(brand=brand, start=date(2026, 11, 16), end=date(2026, 11, 24), **narrow)  # type: ignore[arg-type]
    return dashboard(filters, now=NOW)


def channel(brand: Brand, platform: str = Platform.X, handle: str = "acme") -> ChannelAccount:
    return ChannelAccount.objects.create(
        brand=brand, platform=platform, external_id=f"acct-{next(_ids)}", handle=handle
    )


def conversation(account: ChannelAccount, *, received: datetime, delay: timedelta = timedelta(0), priority: int = 0):
    """A new conversation whose first customer message was posted `delay` before we received it."""
    convo = Conversation.objects.create(
        brand=account.brand,
        account=account,
        thread_key=f"t-{next(_ids)}",
        visibility=Visibility.PUBLIC,
        status=Status.NEW,
        priority=priority,
        first_inbound_at=received - delay,
        last_inbound_at=received - delay,
        last_message_at=received - delay,
    )
    customer_writes(convo, received=received, delay=delay)
    return convo


def customer_writes(convo: Conversation, *, received: datetime, delay: timedelta = timedelta(0)) -> Message:
    """An inbound message, with the conversation's wait moved as ingest moves it, then the clock service."""
    message = Message.objects.create(
        conversation=convo,
        account=convo.account,
        external_id=f"m-{next(_ids)}",
        direction=Direction.INBOUND,
        visibility=convo.visibility,
        text="Where is my order?",
        platform_time=received - delay,
        received_at=received,
    )
    convo.refresh_from_db()
    if convo.awaiting_reply_since is None:
        convo.awaiting_reply_since = received
    if convo.status in (Status.RESOLVED, Status.PENDING):
        convo.status = Status.OPEN
    convo.save(update_fields=["awaiting_reply_since", "status"])
    start_clocks(message_ids=[message.pk])
    return message


def reply(
    convo: Conversation,
    *,
    at: datetime,
    by: User | None,
    account: ChannelAccount | None = None,
    automated: bool = False,
    status: str = DeliveryStatus.SENT,
    visibility: str = Visibility.PUBLIC,
) -> Message:
    """An outbound reply that reached `status` at `at`, reported to the clock as reply delivery does."""
    message = Message.objects.create(
        conversation=convo,
        account=account or convo.account,
        external_id=f"r-{next(_ids)}",
        direction=Direction.OUTBOUND,
        visibility=visibility,
        text="Sorry about that, we are on it.",
        platform_time=at,
        received_at=at,
        sent_by=by,
        is_automated=automated,
        delivery_status=status,
    )
    record_response(message_id=message.pk, sent_at=at)
    return message


def resolve_without_reply(convo: Conversation) -> None:
    Conversation.objects.filter(pk=convo.pk).update(status=Status.RESOLVED, awaiting_reply_since=None)
