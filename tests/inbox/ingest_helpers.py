"""Building blocks for ingest tests: accounts and InboundMessages as a connector would hand them over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from brands.models import Brand
from monitoring.connectors.base import FetchResult, InboundAuthor, InboundMessage
from monitoring.models import ChannelAccount, Platform

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_account(brand: Brand, platform: str = Platform.X, external_id: str = "1000") -> ChannelAccount:
    return ChannelAccount.objects.create(brand=brand, platform=platform, external_id=external_id, handle="acme")


def author(external_id: str = "u1", **details: Any) -> InboundAuthor:
    details.setdefault("handle", f"user_{external_id}")
    return InboundAuthor(external_id=external_id, **details)


# `by=NOBODY`: the platform did not say who wrote it (withheld, missing expansion).
NOBODY = InboundAuthor(external_id="")


def post(
    external_id: str,
    *,
    thread: str = "",
    text: str = "Hello @acme",
    minutes: float = 0,
    by: InboundAuthor | None = None,
    **fields: Any,
) -> InboundMessage:
    fields.setdefault("visibility", "public")
    return InboundMessage(
        external_id=external_id,
        thread_key=thread or external_id,
        text=text,
        platform_time=T0 + timedelta(minutes=minutes),
        author=None if by is NOBODY else (by or author()),
        **fields,
    )


def batch(*messages: InboundMessage, position: dict[str, Any] | None = None, **fields: Any) -> FetchResult:
    if position is None:
        position = {"since_id": messages[-1].external_id if messages else ""}
    return FetchResult(messages=list(messages), position=position, **fields)
