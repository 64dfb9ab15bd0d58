"""Writes of the SLA clock: set a policy, start clocks on inbound messages, stop them on the first sent reply.

Who calls what (the stable interface for the rest of the inbox):

- Ingest computes ``Conversation.response_due_at`` through ``inbox.services.clock_hook.response_due_at``,
  which calls :func:`response_due_at` here. Clock rows are opened by :func:`start_clocks`, which listens to
  ``inbox.signals.messages_ingested`` (same transaction as the ingest batch).
- Reply delivery calls :func:`record_response` ``(message_id=...)`` when an outbound message becomes SENT,
  in the transaction that marks it sent; ingest calls it too for a brand reply found by polling (a reply
  written on the platform itself). Only a reply by a person stops the clock; an automated acknowledgement
  is recorded beside it and stops it only when the policy says so. Calling it twice is harmless.
- Changing a conversation to resolved or spam without a reply may call :func:`close_clock`; the escalation
  task closes such clocks anyway, so nothing waits forever on a conversation nobody needs to answer.
- A clock that ends (answered or closed) is marked for the daily rollups by PostgreSQL itself, in the same
  transaction (triggers of migration inbox 0010): until the refresh task rebuilds its day, the dashboard
  reads that day live.

Locking rule: every function here locks the conversation row (``select_for_update``) before it reads or
writes that conversation's clocks, so a reply and a new inbound message never race on one clock.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from brands import settings_cache
from brands.models import Brand
from inbox.events import publish_on_commit
from inbox.models import Conversation, DeliveryStatus, Direction, Message
from inbox.services.bulk_cursor import Statement, bulk_cursor, execute_together
from inbox.services.json_records import records
from inbox.sla.clock import business_time_between
from inbox.sla.hours import parse_holiday, parse_many
from inbox.sla.models import ClockKind, Outcome, ResponseClock, SlaPolicy
from inbox.sla.policies import Terms, choose_policy, terms_of


@transaction.atomic
def set_policy(
    *,
    brand: Brand,
    first_response_minutes: int,
    hours: list[str],
    holidays: list[str],
    platform: str = "",
    priority: int | None = None,
    next_response_minutes: int | None = None,
    at_risk_percent: int | None = None,
    automated_ack_stops_clock: bool | None = None,
) -> SlaPolicy:
    """Create or replace the brand's policy for a scope; HoursError or ValidationError say what is wrong."""
    shifts = parse_many(hours)
    days: list[date] = sorted({parse_holiday(text) for text in holidays})
    policy = SlaPolicy.objects.filter(brand=brand, platform=platform, priority=priority).first()
    policy = policy or SlaPolicy(brand=brand, platform=platform, priority=priority)
    policy.first_response_minutes = first_response_minutes
    policy.next_response_minutes = next_response_minutes or first_response_minutes
    policy.shifts = [[s.weekday, s.start_minute, s.end_minute] for s in shifts]
    policy.holidays = days
    if at_risk_percent is not None:
        policy.at_risk_percent = at_risk_percent
    if automated_ack_stops_clock is not None:
        policy.automated_ack_stops_clock = automated_ack_stops_clock
    policy.full_clean(validate_unique=False)
    policy.save()
    if not platform and priority is None:
        # The brand's own target is what the rest of the app shows as "the" target: keep them equal.
        Brand.objects.filter(pk=brand.pk).update(first_response_target_minutes=first_response_minutes)
    return policy


@dataclass
class _SettingsRead:
    """Brands and their policies as read once for one ingest batch (see settings_read_once)."""

    brands: dict[int, Brand] = field(default_factory=dict)
    policies: dict[int, list[SlaPolicy]] = field(default_factory=dict)


_batch_settings: ContextVar[_SettingsRead | None] = ContextVar("sla_batch_settings", default=None)


@contextmanager
def settings_read_once() -> Iterator[None]:
    """Inside this block (one ingest batch) each brand's policies are read once, however many clocks ask.

    Outside it every call reads them afresh, so a policy changed in the admin applies to the next batch.
    """
    token = _batch_settings.set(_SettingsRead())
    try:
        yield
    finally:
        _batch_settings.reset(token)


def _policies_of(brand_ids: set[int]) -> list[SlaPolicy]:
    read = _batch_settings.get() or _SettingsRead()
    missing = brand_ids - read.policies.keys()
    if len(missing) == 1:
        # An ingest batch: one brand, whose policies stay in memory while its settings version holds.
        (brand_id,) = missing
        read.policies[brand_id] = settings_cache.remembered(
            "sla_policies", brand_id, lambda: list(SlaPolicy.objects.filter(brand_id=brand_id))
        )
    elif missing:
        for brand_id in missing:
            read.policies[brand_id] = []
        for policy in SlaPolicy.objects.filter(brand_id__in=missing):
            read.policies[policy.brand_id].append(policy)
    return [policy for brand_id in brand_ids for policy in read.policies[brand_id]]


def _brands(brand_ids: set[int], known: Brand | None = None) -> dict[int, Brand]:
    read = _batch_settings.get() or _SettingsRead()
    if known is not None:
        read.brands.setdefault(known.pk, known)
    missing = brand_ids - read.brands.keys()
    if missing:
        read.brands.update(Brand.objects.in_bulk(missing))
    return {brand_id: read.brands[brand_id] for brand_id in brand_ids}


def response_due_at(conversation: Conversation, received_at: datetime) -> datetime:
    """When a first answer to a message received at `received_at` in this conversation is due.

    One query per brand and batch whatever the batch size; start_clocks corrects the due time when the
    wait turns out to be a next-response wait (the customer wrote again after a reply).
    """
    brand = _brands({conversation.brand_id}, known=conversation.brand)[conversation.brand_id]
    policy = choose_policy(
        _policies_of({brand.pk}),
        brand_id=brand.pk,
        platform=conversation.account.platform,
        priority=conversation.priority,
    )
    return terms_of(policy, brand).due(received_at, ClockKind.FIRST)


@dataclass(frozen=True)
class _Wait:
    """A conversation with new inbound messages, its oldest new one, and the clocks it already has."""

    conversation_id: int
    brand_id: int
    account_id: int
    platform: str
    priority: int
    awaiting_reply_since: datetime | None
    response_due_at: datetime | None
    message_id: int
    received_at: datetime
    platform_time: datetime
    open_clock_id: int | None
    open_clock_started_at: datetime | None
    answered_at: datetime | None  # when the latest answered clock stopped

    @property
    def open_clock_is_stale(self) -> bool:
        """The wait the open clock measures is over: nothing waits now, or a later message started a new wait."""
        since = self.awaiting_reply_since
        return self.open_clock_started_at is not None and (since is None or since > self.open_clock_started_at)


# Locks the conversations (in id order, as every SLA write does) and reads in one statement what deciding
# their clocks needs: no model rows, since a batch asks for hundreds.
_WAITS = """
    WITH first_new AS (
        SELECT DISTINCT ON (conversation_id) conversation_id, id, received_at, platform_time
        FROM inbox_message
        WHERE id = ANY(%s) AND direction = %s
        ORDER BY conversation_id, received_at, id
    )
    SELECT conversation.id, conversation.brand_id, conversation.account_id, account.platform, conversation.priority,
        conversation.awaiting_reply_since, conversation.response_due_at,
        first_new.id, first_new.received_at, first_new.platform_time,
        clocks.open_id, clocks.open_started_at, clocks.answered_at
    FROM first_new
    JOIN inbox_conversation AS conversation ON conversation.id = first_new.conversation_id
    JOIN monitoring_channelaccount AS account ON account.id = conversation.account_id
    -- Each conversation reads its own clocks, once, by sla_clock_conversation: its open one (at most one,
    -- sla_one_open_clock) and when its latest answered one stopped. With the outcome in the condition, the
    -- planner, on statistics from a fresh install, probed the brand's open clocks (sla_clock_open_started)
    -- and filtered them by conversation: every open clock of the backlog read for each conversation.
    CROSS JOIN LATERAL (
        SELECT max(clock.id) FILTER (WHERE clock.outcome = %s) AS open_id,
            max(clock.started_at) FILTER (WHERE clock.outcome = %s) AS open_started_at,
            max(clock.stopped_at) FILTER (WHERE clock.outcome = %s) AS answered_at
        FROM inbox_responseclock AS clock
        WHERE clock.conversation_id = conversation.id
    ) AS clocks
    -- A conversation to review (found where nobody can answer it) runs no first-response clock.
    WHERE NOT conversation.to_review
    ORDER BY conversation.id
    FOR UPDATE OF conversation
"""


def _waits_params(message_ids: list[int]) -> list[Any]:
    return [message_ids, Direction.INBOUND, Outcome.OPEN, Outcome.OPEN, Outcome.ANSWERED]


# New clocks, and the conversations' due times set to their clock's (a next-response target may differ
# from the first-response one ingest assumed); a clock already open is left alone (one open clock each).
_OPEN_CLOCKS = """
    WITH opened AS (
        INSERT INTO inbox_responseclock
            (conversation_id, brand_id, account_id, kind, policy_id, start_message_id, started_at,
             platform_started_at, target_minutes, at_risk_at, due_at, outcome, listening_delay_seconds)
        SELECT conversation_id, brand_id, account_id, kind, policy_id, start_message_id, started_at,
            platform_started_at, target_minutes, at_risk_at, due_at, %s, listening_delay_seconds
        FROM json_to_recordset(%s::json)
            AS batch(conversation_id bigint, brand_id bigint, account_id bigint, kind text, policy_id bigint,
                start_message_id bigint, started_at timestamptz, platform_started_at timestamptz,
                target_minutes integer, at_risk_at timestamptz, due_at timestamptz, listening_delay_seconds integer)
        ORDER BY conversation_id
        ON CONFLICT DO NOTHING
        RETURNING id, conversation_id, due_at
    ), aligned AS (
        UPDATE inbox_conversation AS conversation SET response_due_at = opened.due_at
        FROM opened
        WHERE conversation.id = opened.conversation_id AND conversation.awaiting_reply_since IS NOT NULL
            AND conversation.response_due_at IS DISTINCT FROM opened.due_at
    )
    SELECT id FROM opened ORDER BY id
"""


@dataclass(frozen=True)
class _NewClock:
    wait: _Wait
    kind: str
    terms: Terms


@transaction.atomic(savepoint=False)
def start_clocks(*, message_ids: list[int]) -> list[int]:
    """Open a clock for each conversation whose new inbound messages now wait for an answer; idempotent.

    Returns the ids of the clocks opened. Two statements whatever the number of conversations (plus the
    brands' policies when no ingest batch read them, and a few per clock whose wait ended unnoticed).
    """
    with bulk_cursor() as cursor:
        cursor.execute(_WAITS, _waits_params(message_ids))
        waits = [_Wait(*row) for row in cursor.fetchall()]
    if not waits:
        return []
    brand_ids = {wait.brand_id for wait in waits}
    brands = _brands(brand_ids)
    policies = _policies_of(brand_ids)
    settled = _settle_stale_clocks([wait for wait in waits if wait.open_clock_is_stale], brands, policies)
    terms: dict[tuple[int | None, int], Terms] = {}
    new = []
    for wait in waits:
        if wait.open_clock_id is not None and wait.open_clock_id not in settled:
            continue  # the wait it measures goes on
        answered_at = max(filter(None, [wait.answered_at, settled.get(wait.open_clock_id or 0)]), default=None)
        if answered_at is not None and wait.platform_time <= answered_at:
            continue  # found late, but written before the reply that answered it
        policy = choose_policy(policies, brand_id=wait.brand_id, platform=wait.platform, priority=wait.priority)
        kind = ClockKind.NEXT if answered_at is not None else ClockKind.FIRST
        scope = (policy.pk if policy else None, wait.brand_id)
        if scope not in terms:
            terms[scope] = terms_of(policy, brands[wait.brand_id])
        new.append(_NewClock(wait, kind, terms[scope]))
    return _insert_clocks(new)


def _settle_stale_clocks(
    waits: list[_Wait], brands: dict[int, Brand], policies: list[SlaPolicy]
) -> dict[int, datetime | None]:
    """Settle the open clocks whose wait ended unnoticed; returns when each one that was answered stopped."""
    if not waits:
        return {}
    wait_of = {wait.open_clock_id: wait for wait in waits}
    policy_of = {policy.pk: policy for policy in policies}
    clock_ids = list(wait_of)
    # The clocks and the replies that may have answered them, in one round trip.
    with bulk_cursor() as cursor:
        clock_rows, reply_rows = execute_together(
            cursor, [Statement(_CLOCKS, [clock_ids]), _replies_since_start(clock_ids)]
        )
    loaded = [ResponseClock.from_db(connection.alias, _CLOCK_FIELDS, row) for row in clock_rows]
    for clock in loaded:
        # What settling reads of the clock's conversation, brand and policy, start_clocks has read and locked
        # already: given, not joined again (most pages of a busy inbox meet such a clock).
        wait = wait_of[clock.pk]
        clock.conversation = Conversation(
            id=wait.conversation_id, brand=brands[wait.brand_id], awaiting_reply_since=wait.awaiting_reply_since
        )
        if clock.policy_id in policy_of:
            clock.policy = policy_of[clock.policy_id]
    outcomes = settle_stale_clocks(loaded, replies=_by_conversation(reply_rows))
    return {clock.pk: clock.stopped_at if outcomes[clock.pk] == Outcome.ANSWERED else None for clock in loaded}


def _insert_clocks(new: list[_NewClock]) -> list[int]:
    if not new:
        return []
    # A batch arrives at one instant under one or two policies: the business-time sums repeat.
    due_at = functools.cache(lambda terms, start, kind: terms.due(start, kind))
    at_risk_at = functools.cache(lambda terms, start, kind: terms.at_risk(start, kind))
    with bulk_cursor() as cursor:
        cursor.execute(
            _OPEN_CLOCKS,
            [
                Outcome.OPEN,
                records(
                    {
                        "conversation_id": [clock.wait.conversation_id for clock in new],
                        "brand_id": [clock.wait.brand_id for clock in new],
                        "account_id": [clock.wait.account_id for clock in new],
                        "kind": [clock.kind for clock in new],
                        "policy_id": [clock.terms.policy.pk if clock.terms.policy else None for clock in new],
                        "start_message_id": [clock.wait.message_id for clock in new],
                        "started_at": [clock.wait.received_at for clock in new],
                        "platform_started_at": [clock.wait.platform_time for clock in new],
                        "target_minutes": [clock.terms.target(clock.kind) for clock in new],
                        "at_risk_at": [at_risk_at(clock.terms, clock.wait.received_at, clock.kind) for clock in new],
                        "due_at": [due_at(clock.terms, clock.wait.received_at, clock.kind) for clock in new],
                        "listening_delay_seconds": [_listening_delay(clock.wait) for clock in new],
                    }
                ),
            ],
        )
        return [clock_id for (clock_id,) in cursor.fetchall()]


def _listening_delay(wait: _Wait) -> int:
    return max(0, int((wait.received_at - wait.platform_time).total_seconds()))


# What settling a clock may change: stopped by a reply, acknowledged by an automated one, or closed.
SETTLED_FIELDS = [
    "outcome",
    "stopped_at",
    "stop_message",
    "responder",
    "reply_account",
    "response_seconds",
    "response_seconds_platform",
    "business_seconds",
    "business_seconds_platform",
    "automated_ack_at",
    "automated_ack_seconds",
]


def settle_stale_clocks(
    clocks: list[ResponseClock], *, replies: dict[int, list[Message]] | None = None
) -> dict[int, str]:
    """End open clocks whose wait ended without record_response: by the brand reply ingest found, else closed.

    A reply written on the platform itself reaches us by polling; ingest then clears the conversation's
    wait, and this finds that reply. A conversation resolved without any reply closes the clock unanswered.
    Each clock comes with its policy and its conversation's brand loaded, and `replies` (by conversation)
    when the caller read them with the clocks; two statements however many clocks. Returns each clock's
    outcome by id.
    """
    if not clocks:
        return {}
    if replies is None:
        statement = _replies_since_start([clock.pk for clock in clocks])
        with bulk_cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            replies = _by_conversation(cursor.fetchall())
    outcomes = {clock.pk: _settle(clock, replies.get(clock.conversation_id, [])) for clock in clocks}
    _save_settled(clocks)
    return outcomes


# Every column of a clock, in the order of the model's fields (what Model.from_db reads).
_CLOCK_FIELDS = [clock_field.attname for clock_field in ResponseClock._meta.concrete_fields]
_CLOCKS = f"""
    SELECT {", ".join(clock_field.column for clock_field in ResponseClock._meta.concrete_fields)}
    FROM inbox_responseclock WHERE id = ANY(%s) ORDER BY conversation_id
"""  # noqa: S608  (column names from the model; the ids are a parameter)


# What settling reads of a reply, in the order of the model's fields (Model.from_db reads a partial row so).
_REPLY_FIELDS = [
    reply_field.attname
    for reply_field in Message._meta.concrete_fields
    if reply_field.attname in {"id", "conversation_id", "is_automated", "platform_time", "sent_by_id", "account_id"}
]
# The sent brand replies in each clock's conversation from its start, oldest first: one statement whatever
# the number of clocks, where the ORM built and compiled one OR'ed condition per clock. Each clock (one
# open clock per conversation) probes its conversation's messages by index (OFFSET 0 keeps the planner from
# flattening the probe into a join, which statistics older than the inbox may plan as a read of every
# message stored).
_REPLIES_SINCE_START = f"""
    SELECT reply.* FROM inbox_responseclock AS clock
    CROSS JOIN LATERAL (
        SELECT {", ".join(f"message.{name}" for name in _REPLY_FIELDS)}
        FROM inbox_message AS message
        WHERE message.conversation_id = clock.conversation_id AND message.platform_time >= clock.platform_started_at
            AND message.direction = %s AND message.delivery_status = %s
        OFFSET 0
    ) AS reply
    WHERE clock.id = ANY(%s)
    ORDER BY reply.conversation_id, reply.platform_time, reply.id
"""  # noqa: S608  (column names from this module; every value is a parameter)


def _replies_since_start(clock_ids: list[int | None]) -> Statement:
    return Statement(_REPLIES_SINCE_START, [Direction.OUTBOUND, DeliveryStatus.SENT, clock_ids])


def _by_conversation(rows: list[tuple[Any, ...]]) -> dict[int, list[Message]]:
    replies: dict[int, list[Message]] = defaultdict(list)
    for row in rows:
        reply = Message.from_db(connection.alias, _REPLY_FIELDS, row)
        replies[reply.conversation_id].append(reply)
    return replies


# Every field in SETTLED_FIELDS, from one JSON record per clock: bulk_update's CASE per field and clock cost
# more to build and to run than settling the clocks did.
_SAVE_SETTLED = """
    UPDATE inbox_responseclock AS clock SET
        outcome = settled.outcome, stopped_at = settled.stopped_at, stop_message_id = settled.stop_message_id,
        responder_id = settled.responder_id, reply_account_id = settled.reply_account_id,
        response_seconds = settled.response_seconds, response_seconds_platform = settled.response_seconds_platform,
        business_seconds = settled.business_seconds, business_seconds_platform = settled.business_seconds_platform,
        automated_ack_at = settled.automated_ack_at, automated_ack_seconds = settled.automated_ack_seconds
    FROM json_to_recordset(%s::json)
        AS settled(id bigint, outcome text, stopped_at timestamptz, stop_message_id bigint, responder_id bigint,
            reply_account_id bigint, response_seconds integer, response_seconds_platform integer,
            business_seconds integer, business_seconds_platform integer, automated_ack_at timestamptz,
            automated_ack_seconds integer)
    WHERE clock.id = settled.id
"""


# The columns of SETTLED_FIELDS: the keys of _SAVE_SETTLED's records beside the id.
_SETTLED_COLUMNS = [
    {field.name: field.attname for field in ResponseClock._meta.concrete_fields}[name] for name in SETTLED_FIELDS
]


def _save_settled(clocks: list[ResponseClock]) -> None:
    columns = {"id": [clock.pk for clock in clocks]}
    for attname in _SETTLED_COLUMNS:
        columns[attname] = [getattr(clock, attname) for clock in clocks]
    with bulk_cursor() as cursor:
        cursor.execute(_SAVE_SETTLED, [records(columns)])


def _settle(clock: ResponseClock, replies: list[Message]) -> str:
    terms = terms_of(clock.policy, clock.conversation.brand)
    for reply in replies:
        if reply.is_automated and not terms.automated_ack_stops_clock:
            if clock.automated_ack_at is None:
                _acknowledge(clock, reply.platform_time)
            continue
        _stop(clock, reply, reply.platform_time, terms)
        return Outcome.ANSWERED
    _close(clock, at=clock.conversation.awaiting_reply_since or timezone.now())
    return Outcome.CLOSED


def _close(clock: ResponseClock, *, at: datetime) -> None:
    clock.outcome = Outcome.CLOSED
    clock.stopped_at = max(at, clock.started_at)


def _seconds(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds()))


@transaction.atomic
def record_response(*, message_id: int, sent_at: datetime | None = None) -> ResponseClock | None:
    """Stop the conversation's open clock with this reply, once it is SENT and written by a person.

    ``sent_at`` is when the platform accepted the reply; it defaults to now for replies sent through
    Promptly and to the platform's post time for brand replies found by polling (no ``sent_by``).
    Returns the clock it stopped or annotated, None when the message ends no wait.
    """
    message = Message.objects.select_related("conversation__brand").get(pk=message_id)
    if message.direction != Direction.OUTBOUND or message.delivery_status != DeliveryStatus.SENT:
        return None
    conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
    clock = (
        ResponseClock.objects.filter(conversation=conversation, outcome=Outcome.OPEN).select_related("policy").first()
    )
    if clock is None:
        return None
    if sent_at is None:
        sent_at = message.platform_time if message.sent_by_id is None else timezone.now()
    if sent_at < clock.platform_started_at:
        return None  # a reply older than the message that started this wait does not answer it
    terms = terms_of(clock.policy, message.conversation.brand)
    if message.is_automated and not terms.automated_ack_stops_clock:
        if clock.automated_ack_at is None:
            _acknowledge(clock, sent_at)
            clock.save(update_fields=["automated_ack_at", "automated_ack_seconds"])
        return clock
    _stop(clock, message, sent_at, terms)
    clock.save(update_fields=SETTLED_FIELDS)
    Conversation.objects.filter(pk=conversation.pk).update(awaiting_reply_since=None, response_due_at=None)
    publish_on_commit(
        brand_id=conversation.brand_id,
        kind="sla.stopped",
        payload={"conversation_id": conversation.pk, "clock_id": clock.pk},
    )
    return clock


def _acknowledge(clock: ResponseClock, at: datetime) -> None:
    clock.automated_ack_at = at
    clock.automated_ack_seconds = _seconds(at - clock.started_at)


def _stop(clock: ResponseClock, message: Message, sent_at: datetime, terms: Terms) -> None:
    coverage = terms.coverage
    clock.outcome = Outcome.ANSWERED
    clock.stopped_at = sent_at
    clock.stop_message = message
    clock.responder_id = message.sent_by_id
    clock.reply_account_id = message.account_id
    clock.response_seconds = _seconds(sent_at - clock.started_at)
    clock.response_seconds_platform = _seconds(sent_at - clock.platform_started_at)
    clock.business_seconds = _seconds(business_time_between(clock.started_at, sent_at, coverage))
    clock.business_seconds_platform = _seconds(business_time_between(clock.platform_started_at, sent_at, coverage))


@transaction.atomic
def close_clock(*, conversation_id: int, at: datetime | None = None) -> None:
    """The conversation was resolved or marked spam without a reply: its wait ends, unanswered."""
    Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    clock = ResponseClock.objects.filter(conversation_id=conversation_id, outcome=Outcome.OPEN).first()
    if clock is not None:
        _close(clock, at=at or timezone.now())
        clock.save(update_fields=["outcome", "stopped_at"])
