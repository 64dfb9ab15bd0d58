"""Every stored message of a brand as flat records, streamed from a server-side cursor (constant memory)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from brands.models import Brand
from inbox.models import Message

# The export's columns, in order; a stable format for data portability and audits.
EXPORT_KEYS = (
    "platform",
    "account",
    "external_id",
    "conversation_id",
    "direction",
    "author_handle",
    "text",
    "url",
    "platform_time",
    "received_time",
    "language",
    "sentiment",
    "status",
)
_FIELDS = (
    "account__platform",
    "account__handle",
    "account__external_id",
    "external_id",
    "conversation_id",
    "direction",
    "author__handle",
    "text",
    "url",
    "platform_time",
    "received_at",
    "language",
    "sentiment",
    "conversation__status",
)
CHUNK_SIZE = 2000


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def exported_messages(*, brand: Brand, chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    """The brand's messages in storage order; `status` is the conversation's status (new, open, resolved …).

    `.iterator()` on PostgreSQL reads through a named (server-side) cursor, `chunk_size` rows at a time.
    """
    rows = (
        Message.objects.filter(account__brand=brand)
        .order_by("id")
        .values_list(*_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for (
        platform,
        handle,
        account_id,
        external_id,
        conversation_id,
        direction,
        author_handle,
        text,
        url,
        platform_time,
        received_at,
        language,
        sentiment,
        status,
    ) in rows:
        yield dict(
            zip(
                EXPORT_KEYS,
                (
                    platform,
                    handle or account_id,
                    external_id or "",
                    conversation_id,
                    direction,
                    author_handle or "",
                    text,
                    url,
                    _iso(platform_time),
                    _iso(received_at),
                    language,
                    sentiment,
                    status,
                ),
                strict=True,
            )
        )
