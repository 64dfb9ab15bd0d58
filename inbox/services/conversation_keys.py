"""Which conversation each message of a batch joins: one customer's exchange with the brand in one place.

A place is the platform's thread as the connector names it (an X conversation, a Facebook post, a DM
thread, a feed entry). In a public place every customer has a conversation of their own, keyed by their
platform id; a DM thread has one partner by construction and stays whole.

On Facebook the place of a comment is its top-level comment (Graph threads one level: a reply's parent is
its top-level comment): a customer's top-level comment and their replies under it are one conversation,
another person's reply under it is that person's, and a second top-level comment under the same post is a
new one. The conversation stays keyed by the post (`thread_key`, as the connector names it, and as delivery
and reconciliation read it) with the top-level comment carried in the customer key,
"{customer}@{top-level comment}": the least that changes. The page still finds the post it hangs under
from the thread, and shows what others said under that post (their top-level comments and the replies
beside the customer's) as collapsed context. A post (a visitor's, or one tagging the Page) is keyed by its
author alone, and its author's comments under it continue it; a Messenger thread is private, one partner.

The brand's messages join the
conversation of the message they answer (``in_reply_to``), found in the batch or among those stored
before; the brand's own root post, and a reply to something nobody stored, is context: it goes to the
place's own conversation (no customer), which is never work and never answers anyone.

Pure logic: the stored messages a batch's brand replies answer, and on Facebook those its comments hang
under, are looked up by the caller (`answered_ids`), in one statement with the batch's other lookups.
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
# Between a Facebook customer and the top-level comment their conversation is under.
_UNDER = "@"


ConversationKey = tuple[str, str]  # (thread_key, customer_key), as inbox_conversation is keyed


def key_of(row: Row) -> ConversationKey:
    return (row.thread_key, row.customer_key)


def answered_ids(rows: Sequence[Row], *, by_comment: bool = False) -> list[str]:
    """The ids whose stored conversations decide the batch's: what the brand's public replies answer, and
    with `by_comment` what customers' comments hang under (a reply's top-level comment is in its key)."""
    return sorted(
        {
            row.in_reply_to
            for row in rows
            if _is_public_brand_reply(row) or (by_comment and _is_public_comment(row) and row.in_reply_to)
        }
    )


def customer_of(customer_key: str) -> str:
    """The customer's platform id in a Facebook comment conversation's customer key."""
    return customer_key.partition(_UNDER)[0]


def assign_conversations(rows: Sequence[Row], stored: dict[str, ConversationKey], *, by_comment: bool = False) -> None:
    """Sets each row's conversation key; `stored` holds the conversations of the stored messages answered.

    A message of the batch wins over a stored one of the same id (the batch's own rows are not stored yet).

    The batch is read in platform-time order, so a brand reply finds the conversation of the message it
    answers whenever that message came first.
    """
    keying = _Keying({row.external_id: row for row in rows}, stored, by_comment)
    for row in sorted(rows, key=lambda row: row.platform_time):
        keying.assign(row, set())


class _Keying:
    def __init__(self, by_id: dict[str, Row], stored: dict[str, ConversationKey], by_comment: bool) -> None:
        self.by_id, self.stored, self.by_comment = by_id, stored, by_comment
        self.done: set[str] = set()

    def assign(self, row: Row, seen: set[str]) -> ConversationKey:
        if row.external_id in self.done:
            return key_of(row)
        self.done.add(row.external_id)
        seen.add(row.external_id)
        if row.visibility != Visibility.PUBLIC:
            row.customer_key = PLACE
        elif row.direction == Direction.INBOUND:
            customer = row.author[0] if row.author else f"{_UNKNOWN_AUTHOR}{row.external_id}"
            row.customer_key = (
                self._under_comment(row, customer, seen) if _is_comment(row, self.by_comment) else customer
            )
        else:
            # Answers a message of this batch, even one the platform dated later (clock skew between streams).
            answered = self._key_of(row.in_reply_to, seen)
            row.thread_key, row.customer_key = answered if answered else (row.thread_key, PLACE)
        return key_of(row)

    def _key_of(self, external_id: str, seen: set[str]) -> ConversationKey | None:
        if external_id in self.by_id and external_id not in seen:
            return self.assign(self.by_id[external_id], seen)
        return self.stored.get(external_id)

    def _under_comment(self, row: Row, customer: str, seen: set[str]) -> str:
        """A Facebook comment's customer key: its author under its top-level comment, or their own post's."""
        parent = self._key_of(row.in_reply_to, seen)
        if parent and parent[0] == row.thread_key and customer_of(parent[1]) == customer:
            # Under the same person's own post, top-level comment or reply: their conversation goes on.
            return parent[1]
        if row.in_reply_to == row.thread_key:
            return f"{customer}{_UNDER}{row.external_id}"
        # A reply: Graph names its top-level comment as its parent; a parent that is a reply names it in its key.
        top = parent[1].partition(_UNDER)[2] if parent and parent[0] == row.thread_key else ""
        return f"{customer}{_UNDER}{top or row.in_reply_to}"


def _is_comment(row: Row, by_comment: bool) -> bool:
    return by_comment and row.in_reply_to != ""


def _is_public_comment(row: Row) -> bool:
    return row.direction == Direction.INBOUND and row.visibility == Visibility.PUBLIC


def _is_public_brand_reply(row: Row) -> bool:
    return row.direction == Direction.OUTBOUND and row.visibility == Visibility.PUBLIC and row.in_reply_to != ""
