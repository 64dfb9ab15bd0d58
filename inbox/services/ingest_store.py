"""The bulk statements of ingest: one statement per table per batch, whatever the batch size."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from inbox.services.bulk_cursor import Statement, execute_together
from inbox.services.conversation_keys import ConversationKey, key_of
from inbox.services.ingest_rows import MAX_ID, Row, valid_text
from inbox.services.json_records import records
from inbox.services.thread_state import ThreadState
from monitoring.connectors.base import QuarantinedPayload
from monitoring.models import ChannelAccount

# Every statement of a batch reaches at most a page's rows by key, and its plan should probe indexes for
# them. The planner sees each JSON batch as a hundred rows of unknown keys and, with the default cost of a
# random read (4, a spinning disk's), prefers reading a whole table of up to tens of thousands of rows
# (the conversations to update, the clocks to settle) over a hundred index probes; a page then costs more
# the longer the inbox, until the table is large enough to change the planner's mind. Our data is cached
# or on SSD, where a random read costs about a sequential one. Set for ingest's transaction only
# (set_config's true is SET LOCAL, which cannot be prepared), since the other queries' plans are checked
# by their own benches.
PLAN_FOR_A_BATCH = Statement("SELECT set_config('random_page_cost', '1.1', true)", [])


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


def answered_lookup(account: ChannelAccount, external_ids: list[str]) -> Statement:
    """The conversations of the stored messages the batch's brand replies answer (external_id, thread_key,
    customer_key); probed one id at a time, as known_ids_lookup is, for the same reason."""
    return Statement(
        """
        SELECT found.external_id, found.thread_key, found.customer_key
        FROM json_array_elements_text(%s::json) AS batch(external_id)
        CROSS JOIN LATERAL (
            SELECT message.external_id, conversation.thread_key, conversation.customer_key
            FROM inbox_message AS message
            JOIN inbox_conversation AS conversation ON conversation.id = message.conversation_id
            WHERE message.account_id = %s AND message.external_id = batch.external_id
            LIMIT 1
        ) AS found
        """,
        [json.dumps(external_ids, ensure_ascii=False), account.pk],
    )


def author_upsert(platform: str, rows: Sequence[Row]) -> Statement:
    """Author ids by external id (answers external_id, id); details fill in, never blank out, first/last seen widen."""
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
    names = ("external_id", "handle", "name", "followers_count", "profile_url", "first_seen_at", "last_seen_at")
    columns = {name: [merged[key][index] for key in sorted(merged)] for index, name in enumerate(names)}
    return Statement(
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


@dataclass
class Thread:
    id: int
    created: bool
    visibility: str
    state: ThreadState


# A conversation's ThreadState is stored in the columns of the same names.
_STATE_FIELDS = [state_field.name for state_field in fields(ThreadState)]
_STATE_COLUMNS = ", ".join(_STATE_FIELDS)


def _state_columns(states: list[ThreadState]) -> dict[str, list[Any]]:
    return {name: [getattr(state, name) for state in states] for name in _STATE_FIELDS}


# One index probe per key, whatever the statistics say: as a plain condition, statistics taken while the
# account had few conversations make the planner read all of them and filter (a page then costs more
# the more conversations the account holds). The LIMIT keeps the planner from flattening the probe into a join;
# the ids it finds are then locked in id order.
_LOCK_THREADS = f"""
    SELECT thread_key, customer_key, id, visibility, {_STATE_COLUMNS} FROM inbox_conversation
    WHERE id = ANY(ARRAY(
        SELECT found.id FROM unnest(%s::text[], %s::text[]) AS batch(key, customer)
        CROSS JOIN LATERAL (
            SELECT conversation.id FROM inbox_conversation AS conversation
            WHERE conversation.account_id = %s AND conversation.thread_key = batch.key
                AND conversation.customer_key = batch.customer
            LIMIT 1
        ) AS found
    ))
    ORDER BY id
    FOR UPDATE
"""  # noqa: S608  (built from this module's constants; every value is a parameter)


def lock_threads(account: ChannelAccount, keys: list[ConversationKey]) -> Statement:
    """The batch's threads that exist already, locked for this transaction in id order (as the SLA clock locks).

    Answers the rows existing_threads reads. A thread that does not exist yet is inserted whole, in its
    state after the batch, by insert_threads.
    """
    return Statement(_LOCK_THREADS, [[key for key, _ in keys], [customer for _, customer in keys], account.pk])


def existing_threads(answer: list[tuple[Any, ...]]) -> dict[ConversationKey, Thread]:
    return {
        (key, customer): Thread(id=pk, created=False, visibility=visibility, state=ThreadState(*state))
        for key, customer, pk, visibility, *state in answer
    }


# The words a conversation's messages add to its search document, as the message trigger writes them
# (migration 0011): each message's text and its author's handle and name, folded. Each author is looked up
# by id: a join is planned for the hundred rows json_to_recordset is assumed to return, and may read every
# author to find a few. {thread} is the type of the column naming each message's conversation.
_WORDS_SAID = """
    SELECT said.thread, strip(to_tsvector('simple'::regconfig, promptly_fold(string_agg(
        concat_ws(' ', said.text, (
            SELECT concat_ws(' ', author.handle, author.name) FROM inbox_author AS author
            WHERE author.id = said.author_id
        )), ' ')))) AS words
    FROM json_to_recordset(%s::json) AS said(thread {thread}, text text, author_id bigint)
    GROUP BY said.thread
"""


def _words_said(threads: list[Any], said: list[list[tuple[str, int | None]]]) -> str:
    """The records _WORDS_SAID reads: one per message, naming its thread."""
    return records(
        {
            "thread": [thread for thread, messages in zip(threads, said, strict=True) for _ in messages],
            "text": [text for messages in said for text, _ in messages],
            "author_id": [author_id for messages in said for _, author_id in messages],
        }
    )


@dataclass(frozen=True)
class NewThread:
    """A thread no conversation holds yet, as it stands once every message of the batch in it is stored."""

    key: ConversationKey
    visibility: str
    author_id: int | None  # the first customer's; None for a thread the brand started
    subject: str
    first_at: datetime  # the first customer message's platform time, else the first message's
    state: ThreadState
    said: list[tuple[str, int | None]]  # text and author of each message: its search words


_INSERT_THREADS = f"""
    INSERT INTO inbox_conversation
        (brand_id, account_id, thread_key, customer_key, to_review, visibility, author_id, subject, {_STATE_COLUMNS},
         first_inbound_at, search_document, created_at, updated_at)
    SELECT %s, %s, batch.key, batch.customer, %s, batch.visibility, batch.author_id, batch.subject, batch.status,
        batch.awaiting_reply_since, batch.response_due_at, COALESCE(batch.last_inbound_at, batch.first_at),
        batch.last_message_at, batch.priority, batch.sentiment, batch.language, batch.first_at, added.words, %s, %s
    FROM json_to_recordset(%s::json)
        AS batch(n integer, key text, customer text, visibility text, author_id bigint, subject text,
            first_at timestamptz, status text, awaiting_reply_since timestamptz, response_due_at timestamptz,
            last_inbound_at timestamptz, last_message_at timestamptz, priority integer, sentiment text, language text)
    JOIN ({_WORDS_SAID.format(thread="integer")}) AS added ON added.thread = batch.n
    -- In key order, as every batch inserts: two batches creating the same threads wait, not deadlock.
    ORDER BY batch.n
    ON CONFLICT (account_id, thread_key, customer_key) DO NOTHING
    RETURNING thread_key, customer_key, id
"""  # noqa: S608  (built from this module's constants; every value is a parameter)


def insert_threads(
    cursor: CursorWrapper, account: ChannelAccount, threads: list[NewThread], now: datetime, *, to_review: bool
) -> dict[ConversationKey, int]:
    """Inserts the new conversations in their final state; returns their ids by key.

    A key missing from the answer was inserted by a concurrent batch since lock_threads looked. One row
    version per new conversation: inserting it bare and updating it once its messages were stored sent it
    through every index of the table twice, and PostgreSQL checks every foreign key again when a transaction
    updates a row it inserted.
    """
    if not threads:
        return {}
    ordered = sorted(threads, key=lambda thread: thread.key)
    cursor.execute(
        _INSERT_THREADS,
        [
            account.brand_id,
            account.pk,
            to_review,
            now,
            now,
            records(
                {
                    "n": list(range(len(ordered))),
                    "key": [thread.key[0] for thread in ordered],
                    "customer": [thread.key[1] for thread in ordered],
                    "visibility": [thread.visibility for thread in ordered],
                    "author_id": [thread.author_id for thread in ordered],
                    "subject": [thread.subject for thread in ordered],
                    "first_at": [thread.first_at for thread in ordered],
                    **_state_columns([thread.state for thread in ordered]),
                }
            ),
            _words_said(list(range(len(ordered))), [thread.said for thread in ordered]),
        ],
    )
    return {(key, customer): pk for key, customer, pk in cursor.fetchall()}


def author_id_of(row: Row, author_ids: dict[str, int]) -> int | None:
    return author_ids.get(row.author[0]) if row.author else None


def insert_messages(
    cursor: CursorWrapper,
    account: ChannelAccount,
    rows: Sequence[Row],
    threads: dict[ConversationKey, Thread],
    author_ids: dict[str, int],
    now: datetime,
) -> dict[str, int]:
    """Inserts the rows no one stored before (ON CONFLICT DO NOTHING); returns the new ids by external id.

    Their search words are left to insert_threads and update_conversations (see WORDS_ADDED_BY_INGEST).
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
                    "conversation_id": [threads[key_of(row)].id for row in ordered],
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
# conversations' search documents unless this is on: ingest writes them with the conversation itself (its
# insert or its update), so a page's conversations get one new row version, not two. Set and cleared around
# the insert alone (transaction-local, undone with a rolled-back savepoint), so no other insert of the
# transaction skips it.
WORDS_ADDED_BY_INGEST = "promptly.ingest_adds_words"


def _words_added_by_ingest(value: str) -> Statement:
    return Statement("SELECT set_config(%s, %s, true)", [WORDS_ADDED_BY_INGEST, value])


@dataclass(frozen=True)
class ThreadChange:
    """What the batch's stored messages change in a conversation that existed before it."""

    id: int
    state: ThreadState
    author_id: int | None  # the first customer of the batch in this thread, kept if none is known yet
    subject: str
    first_inbound_at: datetime | None
    said: list[tuple[str, int | None]]  # text and author of each message stored in it: its search words


_UPDATE_CONVERSATIONS = f"""
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
    JOIN ({_WORDS_SAID.format(thread="bigint")}) AS added ON added.thread = batch.id
    WHERE conversation.id = batch.id
"""  # noqa: S608  (built from this module's constants; every value is a parameter)


def update_conversations(cursor: CursorWrapper, changes: list[ThreadChange], now: datetime) -> None:
    if not changes:
        return
    cursor.execute(
        _UPDATE_CONVERSATIONS,
        [
            now,
            records(
                {
                    "id": [change.id for change in changes],
                    **_state_columns([change.state for change in changes]),
                    "first_inbound_at": [change.first_inbound_at for change in changes],
                    "author_id": [change.author_id for change in changes],
                    "subject": [change.subject for change in changes],
                }
            ),
            _words_said([change.id for change in changes], [change.said for change in changes]),
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
    catching_up: bool = False,
) -> Statement:
    """The stream's position commits with its batch; an empty position keeps the one stored.

    A successful page clears failures and is the stream's last success (listening health); the pause is
    the platform's own (retry_after of a 429 that came with data) or none; catching up means more pages
    were ready when it was fetched.
    """
    return Statement(
        """
        INSERT INTO monitoring_streamcursor
            (account_id, stream, position, paused_until, consecutive_failures, last_error, updated_at,
             last_success_at, failing_since, catching_up)
        VALUES (%s, %s, %s::jsonb, %s, 0, '', %s, %s, NULL, %s)
        ON CONFLICT (account_id, stream) DO UPDATE SET
            position = CASE WHEN EXCLUDED.position = '{}'::jsonb
                THEN monitoring_streamcursor.position ELSE EXCLUDED.position END,
            paused_until = EXCLUDED.paused_until,
            consecutive_failures = 0,
            last_error = '',
            updated_at = EXCLUDED.updated_at,
            last_success_at = EXCLUDED.last_success_at,
            failing_since = NULL,
            catching_up = EXCLUDED.catching_up
        """,
        [account.pk, stream, json.dumps(position, default=str), paused_until, now, now, catching_up],
    )


def note_stream_heard(account: ChannelAccount, stream: str, now: datetime) -> None:
    """Note, outside any batch's transaction, that a pushed stream was heard; skipped when another batch
    holds the row at this instant (it is noting the same). The row exists after a stream's first batch:
    updated in one round trip, created only when the update found none."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE monitoring_streamcursor SET consecutive_failures = 0, last_error = '', updated_at = %s,
                last_success_at = %s, failing_since = NULL
            WHERE id = (
                SELECT id FROM monitoring_streamcursor WHERE account_id = %s AND stream = %s
                FOR UPDATE SKIP LOCKED
            ) AND updated_at < %s
            """,
            [now, now, account.pk, stream, now],
        )
        if cursor.rowcount:
            return
        cursor.execute(
            """
            INSERT INTO monitoring_streamcursor
                (account_id, stream, position, consecutive_failures, last_error, updated_at,
                 last_success_at, failing_since, catching_up)
            VALUES (%s, %s, '{}'::jsonb, 0, '', %s, %s, NULL, false)
            ON CONFLICT (account_id, stream) DO NOTHING
            """,
            [account.pk, stream, now, now],
        )
