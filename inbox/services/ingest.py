"""Ingest: store a connector's batch in the inbox, exactly once, threaded, enriched, in one transaction.

Duplicates (a page fetched twice, polling and a webhook both delivering a post) cost one index
probe and are counted; the stream's cursor commits with the messages, so a worker killed mid-batch
loses nothing and the next run starts from the last committed position.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from brands import settings_cache
from brands.models import Brand
from inbox import events, signals
from inbox.models import Conversation, Direction, Message
from inbox.services import clock_hook
from inbox.services.bulk_cursor import Statement, bulk_cursor, execute_together
from inbox.services.conversation_keys import (
    ConversationKey,
    answered_ids,
    assign_conversations,
    key_of,
)
from inbox.services.ingest_rows import Row, enrich_rows, prepare
from inbox.services.ingest_store import (
    PLAN_FOR_A_BATCH,
    NewThread,
    Thread,
    ThreadChange,
    answered_lookup,
    author_id_of,
    author_upsert,
    cursor_upsert,
    existing_threads,
    insert_messages,
    insert_threads,
    known_ids_lookup,
    lock_threads,
    note_stream_heard,
    quarantine_insert,
    update_conversations,
)
from inbox.services.replies import SENDABLE_PLATFORMS
from inbox.services.thread_state import EMPTY, NewMessage, advance
from monitoring.connectors.base import FetchResult
from monitoring.models import ChannelAccount, Platform


@dataclass
class IngestReport:
    """What became of a batch: fetched == stored + duplicates + quarantined."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    conversation_ids: list[int] = field(default_factory=list)
    created_conversation_ids: list[int] = field(default_factory=list)
    stored_external_ids: list[str] = field(default_factory=list)


def ingest_batch(*, account: ChannelAccount, stream: str, result: FetchResult, pushed: bool = False) -> IngestReport:
    """Store one fetched page of `stream` and move the stream's cursor, all or nothing.

    A `pushed` batch (webhook deliveries) has no position to keep: its stream's cursor only notes that
    the stream was heard, after commit and without waiting for the row, so the deliveries of one Page
    are not stored one at a time behind the cursor's lock.

    Locks the batch's authors and conversations until commit; authors, new conversations and messages are
    written in key order and existing conversations locked in id order, so two batches touching the same
    threads (polling beside a webhook) wait instead of deadlocking.
    """
    # A batch that lost a race to a concurrent one (see _RaceLost) is rolled back and stored again. Each
    # retry finds one more of its threads or of its messages stored by others, so there are at most two
    # per message.
    for _ in range(2 * len(result.messages) + 1):
        try:
            return _ingest_once(account, stream, result, pushed)
        except _RaceLost:
            continue
    raise RuntimeError("ingest kept losing races to concurrent batches")  # unreachable, by the count above


class _RaceLost(Exception):
    """A concurrent batch committed a thread this one was creating, or a message of a thread it created.

    A new conversation is inserted in its state after the batch, which assumes the batch stores every one
    of its messages; a message a concurrent batch stored first (under another thread) breaks that.
    """


@transaction.atomic
def _ingest_once(account: ChannelAccount, stream: str, result: FetchResult, pushed: bool) -> IngestReport:
    now = timezone.now()
    batch = prepare(result.messages)
    quarantine = [*result.quarantined, *batch.rejected]
    report = IngestReport(fetched=len(result.messages) + len(result.quarantined), duplicates=batch.duplicates)
    lookup = [known_ids_lookup(account, [row.external_id for row in batch.rows])] if batch.rows else []
    by_comment = account.platform == Platform.FACEBOOK  # a comment's place is its top-level comment
    answered = answered_ids(batch.rows, by_comment=by_comment)
    answered_stored = [answered_lookup(account, answered)] if answered else []
    quarantining = quarantine_insert(account, stream, quarantine, now)
    with bulk_cursor() as cursor, clock_hook.batch():
        # The quarantine, the cursor and the brand's settings version travel with the lookups: one round trip.
        _, *answers = execute_together(
            cursor,
            [
                PLAN_FOR_A_BATCH,
                *lookup,
                *answered_stored,
                *quarantining,
                *(
                    []
                    if pushed
                    else [cursor_upsert(account, stream, result.position, result.retry_after, now, result.has_more)]
                ),
                Statement(*settings_cache.version_query(account.brand_id)),
            ],
        )
        known = {external_id for (external_id,) in answers[0]} if lookup else set()
        rows = [row for row in batch.rows if row.external_id not in known]
        stored: dict[str, ConversationKey] = {
            external_id: (key, customer) for external_id, key, customer in (answers[1] if answered else [])
        }
        # An item quarantined before (polled again, or reached by a webhook too) counts as a duplicate.
        report.quarantined = len(answers[len(lookup) + len(answered_stored)]) if quarantining else 0
        if rows:
            assign_conversations(rows, stored, by_comment=by_comment)
            enrich_rows(rows)
            # The SLA policies, round-robin and listening settings are read once per settings version.
            version = answers[-1][0][0] if answers[-1] else None
            with settings_cache.batch(account.brand_id, version):
                _store(cursor, account, rows, now, report)
        if pushed:
            # After the batch's live event (registered by _store): browsers hear of it first.
            transaction.on_commit(partial(note_stream_heard, account, stream, now))
        report.duplicates = report.fetched - report.quarantined - report.stored
    return report


def _store(
    cursor: CursorWrapper, account: ChannelAccount, rows: list[Row], now: datetime, report: IngestReport
) -> None:
    """Authors, conversations and messages of the batch's new rows, then what other apps hear of them."""
    by_thread: dict[ConversationKey, list[Row]] = defaultdict(list)
    for row in rows:
        by_thread[key_of(row)].append(row)
    authors, locked = execute_together(
        cursor, [author_upsert(account.platform, rows), lock_threads(account, sorted(by_thread))]
    )
    author_ids: dict[str, int] = dict(authors)
    existing = existing_threads(locked)
    due = _DueTimes(Conversation(brand=account.brand, account=account), on_clock=answerable(account))
    new = [
        _new_thread(key, thread_rows, author_ids, now, due)
        for key, thread_rows in by_thread.items()
        if key not in existing
    ]
    created = insert_threads(cursor, account, new, now, to_review=not answerable(account))
    if len(created) < len(new):
        raise _RaceLost
    threads = existing | {
        thread.key: Thread(id=created[thread.key], created=True, visibility=thread.visibility, state=thread.state)
        for thread in new
    }
    stored_ids = insert_messages(cursor, account, rows, threads, author_ids, now)
    if any(row.external_id not in stored_ids for thread in new for row in by_thread[thread.key]):
        raise _RaceLost
    changes = []
    for key, thread in sorted(existing.items()):
        kept = [row for row in by_thread[key] if row.external_id in stored_ids]
        if kept:
            changes.append(_thread_change(thread, kept, author_ids, now, due))
    update_conversations(cursor, changes, now)
    _announce(account, threads, [row for row in rows if row.external_id in stored_ids], stored_ids, report)


def _new_messages(rows: list[Row], now: datetime) -> list[NewMessage]:
    return [
        NewMessage(row.direction, row.platform_time, now, row.priority, row.sentiment, row.language) for row in rows
    ]


def _first_customer(rows: list[Row]) -> Row | None:
    """The thread's earliest customer message among these: it names the conversation and its author."""
    return min(
        (row for row in rows if row.direction == Direction.INBOUND), key=lambda row: row.platform_time, default=None
    )


def _said(rows: list[Row], author_ids: dict[str, int]) -> list[tuple[str, int | None]]:
    return [(row.text, author_id_of(row, author_ids)) for row in rows]


def _new_thread(
    key: ConversationKey, rows: list[Row], author_ids: dict[str, int], now: datetime, due: _DueTimes
) -> NewThread:
    """A conversation for a thread first heard in this batch, as it stands with all of the batch's messages."""
    customer = _first_customer(rows)
    # A thread the brand started takes its first post's visibility and time.
    first = customer or min(rows, key=lambda row: row.platform_time)
    return NewThread(
        key=key,
        visibility=first.visibility,
        author_id=author_id_of(customer, author_ids) if customer else None,
        subject=customer.subject if customer else "",
        first_at=first.platform_time,
        state=advance(
            EMPTY, _new_messages(rows, now), created=True, due=partial(due, first.visibility), on_clock=due.on_clock
        ),
        said=_said(rows, author_ids),
    )


def _thread_change(
    thread: Thread, rows: list[Row], author_ids: dict[str, int], now: datetime, due: _DueTimes
) -> ThreadChange:
    """What the batch's stored messages change in a conversation that existed before it."""
    customer = _first_customer(rows)
    return ThreadChange(
        id=thread.id,
        state=advance(
            thread.state,
            _new_messages(rows, now),
            created=False,
            due=partial(due, thread.visibility),
            on_clock=due.on_clock,
        ),
        author_id=author_id_of(customer, author_ids) if customer else None,
        subject=customer.subject if customer else "",
        first_inbound_at=customer.platform_time if customer else None,
        said=_said(rows, author_ids),
    )


def answerable(account: ChannelAccount) -> bool:
    """Whether a reply can reach the place the account's messages were found; the others are to review."""
    return account.platform in SENDABLE_PLATFORMS


def review_due_at(brand: Brand, received_at: datetime) -> datetime | None:
    """When an item to review should have been reviewed: the brand's optional review target."""
    minutes = brand.review_target_minutes
    return received_at + timedelta(minutes=minutes) if minutes else None


class _DueTimes:
    """Due times of the batch's new waits, asked of the SLA hook once per visibility and receipt time.

    Every wait a batch starts is received at the same instant, in one account (brand, channel) and at
    the priority the hook is shown, so its answer repeats; the visibility stays in the key because it
    is the one thing that differs between the batch's threads that a policy could look at.
    """

    def __init__(self, template: Conversation, *, on_clock: bool) -> None:
        self.template = template
        self.on_clock = on_clock  # False: the account's messages are to review, no wait starts
        self.known: dict[tuple[str, datetime], datetime] = {}

    def __call__(self, visibility: str, received_at: datetime) -> datetime | None:
        if not self.on_clock:
            return review_due_at(self.template.brand, received_at)
        known = self.known.get((visibility, received_at))
        if known is None:
            # A copy of one unsaved instance spares a model __init__.
            conversation = copy.copy(self.template)
            conversation.visibility = visibility
            known = self.known[(visibility, received_at)] = clock_hook.response_due_at(conversation, received_at)
        return known


def _announce(
    account: ChannelAccount,
    threads: dict[ConversationKey, Thread],
    stored: list[Row],
    stored_ids: dict[str, int],
    report: IngestReport,
) -> None:
    """Other apps hear of new inbound messages inside the transaction; browsers only after commit."""
    report.stored = len(stored)
    report.stored_external_ids = [row.external_id for row in stored]
    touched = {key_of(row) for row in stored}
    report.conversation_ids = sorted(threads[key].id for key in touched)
    report.created_conversation_ids = sorted(threads[key].id for key in touched if threads[key].created)
    inbound_ids = sorted(stored_ids[row.external_id] for row in stored if row.direction == Direction.INBOUND)
    if inbound_ids:
        signals.messages_ingested.send(sender=Message, brand_id=account.brand_id, message_ids=inbound_ids)
    if report.conversation_ids:
        events.publish_on_commit(
            brand_id=account.brand_id,
            kind="conversation.created" if report.created_conversation_ids else "conversation.updated",
            payload={"conversation_ids": report.conversation_ids},
        )
