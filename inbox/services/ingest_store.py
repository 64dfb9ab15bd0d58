"""The bulk statements of ingest: one statement per table per batch, whatever the batch size."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.backends.utils import CursorWrapper

from inbox.models import Direction, Status
from inbox.services.ingest_rows import MAX_ID, Row, valid_text
from inbox.services.json_records import records
from inbox.services.thread_state import ThreadState
from monitoring.connectors.base import QuarantinedPayload
from monitoring.models import ChannelAccount


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list[Any]


def execute_together(cursor: CursorWrapper, statements: list[Statement]) -> list[list[tuple[Any, ...]]]:
    """Several statements in one round trip to PostgreSQL; returns the rows each answered, in order.

    Django's psycopg cursor binds parameters on the client, so the statements travel as one query
    string; a batch's round trips, not its rows, are what ingest waits for.
    """
    if not statements:
        return []
    cursor.execute(";\n".join(s.sql for s in statements), [p for s in statements for p in s.params])
    answers = []
    for index in range(len(statements)):
        if index:
            cursor.nextset()
        answers.append(cursor.fetchall() if cursor.description else [])
    return answers


# Every statement of a batch reaches at most a page's rows by key, and its plan should probe indexes for
# them. The planner sees each JSON batch as a hundred rows of unknown keys and, with the default cost of a
# random read (4, a spinning disk's), prefers reading a whole table of up to tens of thousands of rows
# (the conversations to update, the clocks to settle) over a hundred index probes; a page then costs more
# the longer the inbox, until the table is large enough to change the planner's mind. Our data is cached
# or on SSD, where a random read costs about a sequential one. Measured with bench/ingest.py (README);
# set for ingest's transaction only, since the other queries' plans are measured by their own benches.
PLAN_FOR_A_BATCH = Statement("SET LOCAL random_page_cost = 1.1", [])


def known_ids_lookup(account: ChannelAccount, external_ids: list[str]) -> Statement:
    """Which of the batch's ids the account has stored already."""
    # One index probe per id, whatever the statistics say. As a plain join, statistics taken while the
    # account had few messages make the planner hash every message the account has stored (it believes
    # that is one row): each page then reads the whole account, and polling slows as it fills.
    # The LIMIT keeps the planner from flattening the probe into such a join.
    return Statement(
        """
        SELECT found.external_id
        FROM json_array_elements_text(%s::json) AS batch(external_id)
        CROSS JOIN LATERAL (
            SELECT message.external_id FROM inbox_message AS message
            WHERE message.account_id = %s AND message.external_id = batch.external_id
            LIMIT 1
        ) AS found
        """,
        [json.dumps(external_ids, ensure_ascii=False), account.pk],
    )


def upsert_authors(cursor: CursorWrapper, platform: str, rows: Sequence[Row]) -> dict[str, int]:
    """Author ids by external id; details fill in, never blank out, and first/last seen widen."""
    merged: dict[str, list[Any]] = {}
    for row in sorted(rows, key=lambda row: row.platform_time):
        if row.author is None:
            continue
        external_id, handle, name, followers, profile_url = row.author
        seen = merged.setdefault(external_id, [external_id, "", "", None, "", row.platform_time, row.platform_time])
        # The newest message says who the author is now; older copies only fill gaps.
        seen[1] = handle or seen[1]
        seen[2] = name or seen[2]
        seen[3] = followers if followers is not None else seen[3]
        seen[4] = profile_url or seen[4]
        seen[6] = row.platform_time
    if not merged:
        return {}
    names = ("external_id", "handle", "name", "followers_count", "profile_url", "first_seen_at", "last_seen_at")
    columns = dict(
        zip(names, (list(column) for column in zip(*(merged[key] for key in sorted(merged)), strict=True)), strict=True)
    )
    cursor.execute(
        """
        INSERT INTO inbox_author
            (platform, external_id, handle, name, followers_count, profile_url, first_seen_at, last_seen_at)
        SELECT %s, * FROM json_to_recordset(%s::json) AS batch(external_id text, handle text, name text,
            followers_count integer, profile_url text, first_seen_at timestamptz, last_seen_at timestamptz)
        ON CONFLICT (platform, external_id) DO UPDATE SET
            handle = COALESCE(NULLIF(EXCLUDED.handle, ''), inbox_author.handle),
            name = COALESCE(NULLIF(EXCLUDED.name, ''), inbox_author.name),
            followers_count = COALESCE(EXCLUDED.followers_count, inbox_author.followers_count),
            profile_url = COALESCE(NULLIF(EXCLUDED.profile_url, ''), inbox_author.profile_url),
            first_seen_at = LEAST(inbox_author.first_seen_at, EXCLUDED.first_seen_at),
            last_seen_at = GREATEST(inbox_author.last_seen_at, EXCLUDED.last_seen_at)
        RETURNING external_id, id
        """,
        [platform, records(columns)],
    )
    return dict(cursor.fetchall())


@dataclass
class Thread:
    id: int
    created: bool
    visibility: str
    state: ThreadState


def upsert_conversations(
    cursor: CursorWrapper, account: ChannelAccount, rows: Sequence[Row], author_ids: dict[str, int], now: datetime
) -> dict[str, Thread]:
    """Every thread of the batch exists and is locked for this transaction; returns their current state."""
    first_of: dict[str, Row] = {}
    for row in sorted(rows, key=lambda row: (row.direction != Direction.INBOUND, row.platform_time)):
        first_of.setdefault(row.thread_key, row)
    keys = sorted(first_of)
    firsts = [first_of[key] for key in keys]
    cursor.execute(
        """
        INSERT INTO inbox_conversation
            (brand_id, account_id, thread_key, visibility, author_id, subject, status, language, sentiment,
             priority, first_inbound_at, last_inbound_at, last_message_at, created_at, updated_at)
        SELECT %s, %s, key, visibility, author_id, subject, %s, '', 'neutral', 0, first_at, first_at, first_at, %s, %s
        FROM json_to_recordset(%s::json)
            AS batch(key text, visibility text, author_id bigint, subject text, first_at timestamptz)
        ON CONFLICT (account_id, thread_key) DO UPDATE SET thread_key = EXCLUDED.thread_key
        RETURNING thread_key, id, (xmax = 0), visibility, status, awaiting_reply_since, response_due_at,
            last_inbound_at, last_message_at, priority, sentiment, language
        """,
        [
            account.brand_id,
            account.pk,
            Status.RESOLVED,
            now,
            now,
            records(
                {
                    "key": keys,
                    "visibility": [row.visibility for row in firsts],
                    "author_id": [
                        author_id_of(row, author_ids) if row.direction == Direction.INBOUND else None for row in firsts
                    ],
                    "subject": [row.subject if row.direction == Direction.INBOUND else "" for row in firsts],
                    "first_at": [row.platform_time for row in firsts],
                }
            ),
        ],
    )
    threads = {}
    for key, pk, created, visibility, *state in cursor.fetchall():
        threads[key] = Thread(id=pk, created=created, visibility=visibility, state=ThreadState(*state))
    return threads


def author_id_of(row: Row, author_ids: dict[str, int]) -> int | None:
    return author_ids.get(row.author[0]) if row.author else None


def insert_messages(
    cursor: CursorWrapper,
    account: ChannelAccount,
    rows: Sequence[Row],
    threads: dict[str, Thread],
    author_ids: dict[str, int],
    now: datetime,
) -> dict[str, int]:
    """Inserts the rows no one stored before (ON CONFLICT DO NOTHING); returns the new ids by external id.

    Their search words are left to update_conversations (see WORDS_ADDED_BY_INGEST).
    """
    ordered = sorted(rows, key=lambda row: row.external_id)
    insert = Statement(
        """
        INSERT INTO inbox_message
            (conversation_id, account_id, external_id, direction, visibility, author_id, in_reply_to, text, url,
             platform_time, received_at, language, sentiment, priority, raw, matched_query, is_automated,
             delivery_status, delivery_error, created_at)
        SELECT conversation_id, %s, external_id, direction, visibility, author_id, in_reply_to, text, url,
            platform_time, %s, language, sentiment, priority, raw, false, false, delivery_status, '', %s
        FROM json_to_recordset(%s::json)
            AS batch(conversation_id bigint, external_id text, direction text, visibility text, author_id bigint,
                in_reply_to text, text text, url text, platform_time timestamptz, language text, sentiment text,
                priority integer, raw jsonb, delivery_status text)
        ON CONFLICT (account_id, external_id) DO NOTHING
        RETURNING external_id, id
        """,
        [
            account.pk,
            now,
            now,
            records(
                {
                    "conversation_id": [threads[row.thread_key].id for row in ordered],
                    "external_id": [row.external_id for row in ordered],
                    "direction": [row.direction for row in ordered],
                    "visibility": [row.visibility for row in ordered],
                    "author_id": [author_id_of(row, author_ids) for row in ordered],
                    "in_reply_to": [row.in_reply_to for row in ordered],
                    "text": [row.text for row in ordered],
                    "url": [row.url for row in ordered],
                    "platform_time": [row.platform_time for row in ordered],
                    "language": [row.language for row in ordered],
                    "sentiment": [row.sentiment for row in ordered],
                    "priority": [row.priority for row in ordered],
                    "raw": [row.raw for row in ordered],
                    "delivery_status": [row.delivery_status for row in ordered],
                }
            ),
        ],
    )
    answers = execute_together(cursor, [_words_added_by_ingest("on"), insert, _words_added_by_ingest("off")])
    return dict(answers[1])


# inbox_message's statement trigger (migrations 0011, 0016) adds the words of inserted messages to their
# conversations' search documents unless this is on: ingest adds them in its own conversation update,
# so a page's conversations get one new row version, not two. Set and cleared around the insert alone
# (transaction-local, undone with a rolled-back savepoint), so no other insert of the transaction skips it.
WORDS_ADDED_BY_INGEST = "promptly.ingest_adds_words"


def _words_added_by_ingest(value: str) -> Statement:
    return Statement("SELECT set_config(%s, %s, true)", [WORDS_ADDED_BY_INGEST, value])


@dataclass(frozen=True)
class ThreadChange:
    id: int
    state: ThreadState
    author_id: int | None  # the first customer of the batch in this thread, kept if none is known yet
    subject: str
    first_inbound_at: datetime | None
    said: list[tuple[str, int | None]]  # text and author of each message stored in it: its search words


def update_conversations(cursor: CursorWrapper, changes: list[ThreadChange], now: datetime) -> None:
    if not changes:
        return
    cursor.execute(
        """
        UPDATE inbox_conversation AS conversation SET
            status = batch.status,
            snoozed_until = CASE WHEN batch.status = 'snoozed' THEN conversation.snoozed_until END,
            awaiting_reply_since = batch.awaiting_reply_since,
            response_due_at = batch.response_due_at,
            first_inbound_at = LEAST(conversation.first_inbound_at, batch.first_inbound_at),
            last_inbound_at = COALESCE(batch.last_inbound_at, conversation.last_inbound_at),
            last_message_at = batch.last_message_at,
            priority = batch.priority,
            sentiment = batch.sentiment,
            language = batch.language,
            author_id = COALESCE(conversation.author_id, batch.author_id),
            subject = CASE WHEN conversation.subject = '' THEN batch.subject ELSE conversation.subject END,
            -- The words the message trigger would add (migration 0011), capped the same way.
            search_document = CASE
                WHEN length(COALESCE(conversation.search_document, '')) >= 20000 THEN conversation.search_document
                ELSE COALESCE(conversation.search_document, '') || added.words END,
            updated_at = %s
        FROM json_to_recordset(%s::json)
            AS batch(id bigint, status text, awaiting_reply_since timestamptz, response_due_at timestamptz,
                first_inbound_at timestamptz, last_inbound_at timestamptz, last_message_at timestamptz,
                priority integer, sentiment text, language text, author_id bigint, subject text)
        JOIN (
            -- Each message's author is looked up by id: a join is planned for the hundred rows
            -- json_to_recordset is assumed to return, and may read every author to find a few.
            SELECT said.conversation_id, strip(to_tsvector('simple'::regconfig, promptly_fold(string_agg(
                concat_ws(' ', said.text, (
                    SELECT concat_ws(' ', author.handle, author.name) FROM inbox_author AS author
                    WHERE author.id = said.author_id
                )), ' ')))) AS words
            FROM json_to_recordset(%s::json) AS said(conversation_id bigint, text text, author_id bigint)
            GROUP BY said.conversation_id
        ) AS added ON added.conversation_id = batch.id
        WHERE conversation.id = batch.id
        """,
        [
            now,
            records(
                {
                    "id": [change.id for change in changes],
                    "status": [change.state.status for change in changes],
                    "awaiting_reply_since": [change.state.awaiting_reply_since for change in changes],
                    "response_due_at": [change.state.response_due_at for change in changes],
                    "first_inbound_at": [change.first_inbound_at for change in changes],
                    "last_inbound_at": [change.state.last_inbound_at for change in changes],
                    "last_message_at": [change.state.last_message_at for change in changes],
                    "priority": [change.state.priority for change in changes],
                    "sentiment": [change.state.sentiment for change in changes],
                    "language": [change.state.language for change in changes],
                    "author_id": [change.author_id for change in changes],
                    "subject": [change.subject for change in changes],
                }
            ),
            records(
                {
                    "conversation_id": [change.id for change in changes for _ in change.said],
                    "text": [text for change in changes for text, _ in change.said],
                    "author_id": [author_id for change in changes for _, author_id in change.said],
                }
            ),
        ],
    )


def quarantine_insert(
    account: ChannelAccount, stream: str, items: list[QuarantinedPayload], now: datetime
) -> list[Statement]:
    """Items not quarantined before (by any stream of the account); answers one row per item it added."""
    if not items:
        return []
    raws = [valid_text(item.raw) for item in items]
    return [
        Statement(
            """
            INSERT INTO inbox_quarantineditem (account_id, stream, raw, reason, item_key, created_at)
            SELECT %s, %s, raw, reason, item_key, %s FROM unnest(%s::text[], %s::text[], %s::text[])
                AS batch(raw, reason, item_key)
            ON CONFLICT (account_id, item_key) DO NOTHING
            RETURNING id
            """,
            [
                account.pk,
                stream,
                now,
                raws,
                [valid_text(item.reason) for item in items],
                [quarantine_key(item, raw) for item, raw in zip(items, raws, strict=True)],
            ],
        )
    ]


def quarantine_key(item: QuarantinedPayload, raw: str) -> str:
    if item.item_id.strip():
        return "id:" + valid_text(item.item_id.strip())[:MAX_ID]
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


def cursor_upsert(
    account: ChannelAccount,
    stream: str,
    position: dict[str, Any],
    paused_until: datetime | None,
    now: datetime,
) -> Statement:
    """The stream's position commits with its batch; an empty position keeps the one stored.

    A successful page clears failures; the pause is the platform's own (retry_after of a 429 that
    came with data) or none.
    """
    return Statement(
        """
        INSERT INTO monitoring_streamcursor
            (account_id, stream, position, paused_until, consecutive_failures, last_error, updated_at)
        VALUES (%s, %s, %s::jsonb, %s, 0, '', %s)
        ON CONFLICT (account_id, stream) DO UPDATE SET
            position = CASE WHEN EXCLUDED.position = '{}'::jsonb
                THEN monitoring_streamcursor.position ELSE EXCLUDED.position END,
            paused_until = EXCLUDED.paused_until,
            consecutive_failures = 0,
            last_error = '',
            updated_at = EXCLUDED.updated_at
        """,
        [account.pk, stream, json.dumps(position, default=str), paused_until, now],
    )
