"""Which conversation each message of a batch joins: one customer's exchange with the brand in one place.

A place is the platform's thread as the connector names it (an X conversation, a Facebook post, a DM
thread, a feed entry). In a public place every customer has a conversation of their own, keyed by their
platform id; a DM thread has one partner by construction and stays whole. The brand's messages join the
conversation of the message they answer (``in_reply_to``), found in the batch or among those stored
before; the brand's own root post, and a reply to something nobody stored, is context: it goes to the
place's own conversation (no customer), which is never work and never answers anyone.

Pure logic: the stored messages a batch's brand replies answer are looked up by the caller, in one
statement with the batch's other lookups.
"""

from __future__ import annotations

from collections.abc import Sequence

from inbox.models import Direction, Visibility
from inbox.services.ingest_rows import Row

# No customer: the place itself (the brand's own post and what hangs under nobody) or a DM thread.
PLACE = ""
# A public message whose author the platform withheld is a conversation of its own: nobody can tell
# whether two such messages are one person's.
_UNKNOWN_AUTHOR = "?"


ConversationKey = tuple[str, str]  # (thread_key, customer_key), as inbox_conversation is keyed


def key_of(row: Row) -> ConversationKey:
    return (row.thread_key, row.customer_key)


def answered_ids(rows: Sequence[Row]) -> list[str]:
    """The ids the brand's public replies answer: their conversations are looked up among the stored ones."""
    return sorted({row.in_reply_to for row in rows if _is_public_brand_reply(row)})


def assign_conversations(rows: Sequence[Row], stored: dict[str, ConversationKey]) -> None:
    """Sets each row's conversation key; `stored` holds the conversations of the stored messages answered.

    A message of the batch wins over a stored one of the same id (the batch's own rows are not stored yet).

    The batch is read in platform-time order, so a brand reply finds the conversation of the message it
    answers whenever that message came first.
    """
    by_id = {row.external_id: row for row in rows}
    done: set[str] = set()
    for row in sorted(rows, key=lambda row: row.platform_time):
        _assign(row, by_id, stored, done, set())


def _assign(
    row: Row, by_id: dict[str, Row], stored: dict[str, ConversationKey], done: set[str], seen: set[str]
) -> ConversationKey:
    if row.external_id in done:
        return key_of(row)
    done.add(row.external_id)
    seen.add(row.external_id)
    if row.visibility != Visibility.PUBLIC:
        row.customer_key = PLACE
    elif row.direction == Direction.INBOUND:
        row.customer_key = row.author[0] if row.author else f"{_UNKNOWN_AUTHOR}{row.external_id}"
    elif row.in_reply_to in by_id and row.in_reply_to not in seen:
        # Answers a message of this batch, even one the platform dated later (clock skew between streams).
        row.thread_key, row.customer_key = _assign(by_id[row.in_reply_to], by_id, stored, done, seen)
    elif row.in_reply_to in stored:
        row.thread_key, row.customer_key = stored[row.in_reply_to]
    else:
        row.customer_key = PLACE
    return key_of(row)


def _is_public_brand_reply(row: Row) -> bool:
    return row.direction == Direction.OUTBOUND and row.visibility == Visibility.PUBLIC and row.in_reply_to != ""
