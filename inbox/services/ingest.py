"""Ingest: store a connector's batch in the inbox, exactly once, threaded, enriched, in one transaction.

Duplicates (a page fetched twice, polling and a webhook both delivering a post) cost one index
probe and are counted; the stream's cursor commits with the messages, so a worker killed mid-batch
loses nothing and the next run starts from the last committed position.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from inbox import events, signals
from inbox.models import Conversation, Direction, Message
from inbox.services import clock_hook
from inbox.services.bulk_cursor import bulk_cursor
from inbox.services.ingest_rows import Row, enrich_rows, prepare
from inbox.services.ingest_store import (
    PLAN_FOR_A_BATCH,
    Statement,
    Thread,
    ThreadChange,
    author_id_of,
    cursor_upsert,
    execute_together,
    insert_messages,
    known_ids_lookup,
    quarantine_insert,
    update_conversations,
    upsert_authors,
    upsert_conversations,
)
from inbox.services.thread_state import EMPTY, NewMessage, advance
from monitoring import brand_settings
from monitoring.connectors.base import FetchResult
from monitoring.models import ChannelAccount


@dataclass
class IngestReport:
    """What became of a batch: fetched == stored + duplicates + quarantined."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    conversation_ids: list[int] = field(default_factory=list)
    created_conversation_ids: list[int] = field(default_factory=list)


@transaction.atomic
def ingest_batch(*, account: ChannelAccount, stream: str, result: FetchResult) -> IngestReport:
    """Store one fetched page of `stream` and move the stream's cursor, all or nothing.

    Locks the batch's conversations (and authors) until commit; rows are written in key order so
    two batches touching the same threads (polling beside a webhook) wait instead of deadlocking.
    """
    now = timezone.now()
    batch = prepare(result.messages)
    quarantine = [*result.quarantined, *batch.rejected]
    report = IngestReport(fetched=len(result.messages) + len(result.quarantined), duplicates=batch.duplicates)
    lookup = [known_ids_lookup(account, [row.external_id for row in batch.rows])] if batch.rows else []
    quarantining = quarantine_insert(account, stream, quarantine, now)
    with bulk_cursor() as cursor, clock_hook.batch():
        # The quarantine, the cursor and the brand's settings version travel with the lookup: one round trip.
        _, *answers = execute_together(
            cursor,
            [
                PLAN_FOR_A_BATCH,
                *lookup,
                *quarantining,
                cursor_upsert(account, stream, result.position, result.retry_after, now),
                Statement(*brand_settings.version_query(account.brand_id)),
            ],
        )
        known = {external_id for (external_id,) in answers[0]} if lookup else set()
        rows = [row for row in batch.rows if row.external_id not in known]
        # An item quarantined before (polled again, or reached by a webhook too) counts as a duplicate.
        report.quarantined = len(answers[len(lookup)]) if quarantining else 0
        if rows:
            enrich_rows(rows)
            author_ids = upsert_authors(cursor, account.platform, rows)
            threads = upsert_conversations(cursor, account, rows, author_ids, now)
            stored_ids = insert_messages(cursor, account, rows, threads, author_ids, now)
            stored = [row for row in rows if row.external_id in stored_ids]
            # The SLA policies, round-robin and listening settings are read once per settings version.
            version = answers[-1][0][0] if answers[-1] else None
            with brand_settings.batch(account.brand_id, version):
                update_conversations(cursor, _thread_changes(account, threads, stored, author_ids, now), now)
                _announce(account, threads, stored, stored_ids, report)
        report.duplicates = report.fetched - report.quarantined - report.stored
    return report


def _thread_changes(
    account: ChannelAccount, threads: dict[str, Thread], stored: list[Row], author_ids: dict[str, int], now: datetime
) -> list[ThreadChange]:
    by_thread: dict[str, list[Row]] = defaultdict(list)
    for row in stored:
        by_thread[row.thread_key].append(row)
    changes = []
    due = _DueTimes(Conversation(brand=account.brand, account=account))
    for key, rows in sorted(by_thread.items()):
        thread = threads[key]
        state = advance(
            EMPTY if thread.created else thread.state,
            [
                NewMessage(row.direction, row.platform_time, now, row.priority, row.sentiment, row.language)
                for row in rows
            ],
            created=thread.created,
            due=partial(due, thread, key),
        )
        inbound = sorted((row for row in rows if row.direction == Direction.INBOUND), key=lambda row: row.platform_time)
        first = inbound[0] if inbound else None
        changes.append(
            ThreadChange(
                id=thread.id,
                state=state,
                author_id=author_id_of(first, author_ids) if first else None,
                subject=first.subject if first else "",
                first_inbound_at=first.platform_time if first else None,
                said=[(row.text, author_id_of(row, author_ids)) for row in rows],
            )
        )
    return changes


class _DueTimes:
    """Due times of the batch's new waits, asked of the SLA hook once per visibility and receipt time.

    Every wait a batch starts is received at the same instant, in one account (brand, channel) and at
    the priority the hook is shown, so its answer repeats; the visibility stays in the key because it
    is the one thing that differs between the batch's threads that a policy could look at.
    """

    def __init__(self, template: Conversation) -> None:
        self.template = template
        self.known: dict[tuple[str, datetime], datetime] = {}

    def __call__(self, thread: Thread, key: str, received_at: datetime) -> datetime:
        known = self.known.get((thread.visibility, received_at))
        if known is None:
            # A copy of one unsaved instance spares a model __init__.
            conversation = copy.copy(self.template)
            conversation.id = thread.id
            conversation.thread_key = key
            conversation.visibility = thread.visibility
            known = self.known[(thread.visibility, received_at)] = clock_hook.response_due_at(conversation, received_at)
        return known


def _announce(
    account: ChannelAccount,
    threads: dict[str, Thread],
    stored: list[Row],
    stored_ids: dict[str, int],
    report: IngestReport,
) -> None:
    """Other apps hear of new inbound messages inside the transaction; browsers only after commit."""
    report.stored = len(stored)
    touched = {row.thread_key for row in stored}
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
