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

Locking rule: every function here locks the conversation row (``select_for_update``) before it reads or
writes that conversation's clocks, so a reply and a new inbound message never race on one clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from inbox.events import publish_on_commit
from inbox.models import Conversation, DeliveryStatus, Direction, Message
from inbox.sla.clock import business_time_between
from inbox.sla.hours import parse_holiday, parse_many
from inbox.sla.models import ClockKind, Outcome, ResponseClock, SlaPolicy
from inbox.sla.policies import Terms, choose_policy, terms_of
from monitoring.models import Brand


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


def _policies_of(brand_ids: set[int]) -> list[SlaPolicy]:
    """The brands' policies, read once per atomic block: ingest asks for every conversation of a batch.

    The memo is tied to the innermost atomic block, so the next batch reads policies afresh.
    """
    block = connection.atomic_blocks[-1] if connection.in_atomic_block else None
    memo = getattr(connection, "_sla_policies", None)
    if block is None or memo is None or memo[0] is not block:
        memo = (block, dict[int, list[SlaPolicy]]())
    missing = brand_ids - memo[1].keys()
    if missing:
        for brand_id in missing:
            memo[1][brand_id] = []
        for policy in SlaPolicy.objects.filter(brand_id__in=missing):
            memo[1][policy.brand_id].append(policy)
    if block is not None:
        connection._sla_policies = memo  # type: ignore[attr-defined]
    return [policy for brand_id in brand_ids for policy in memo[1][brand_id]]


def response_due_at(conversation: Conversation, received_at: datetime) -> datetime:
    """When a first answer to a message received at `received_at` in this conversation is due.

    One query per brand instance whatever the batch size; start_clocks corrects the due time when the
    wait turns out to be a next-response wait (the customer wrote again after a reply).
    """
    brand = conversation.brand
    policy = choose_policy(
        _policies_of({brand.pk}),
        brand_id=brand.pk,
        platform=conversation.account.platform,
        priority=conversation.priority,
    )
    return terms_of(policy, brand).due(received_at, ClockKind.FIRST)


@transaction.atomic(savepoint=False)
def start_clocks(*, message_ids: list[int]) -> list[ResponseClock]:
    """Open a clock for each conversation whose new inbound messages now wait for an answer; idempotent.

    Four queries whatever the number of conversations (ingest's query count stays constant).
    """
    earliest: dict[int, Message] = {}
    inbound = Message.objects.filter(pk__in=message_ids, direction=Direction.INBOUND).order_by("received_at", "pk")
    for message in inbound:
        earliest.setdefault(message.conversation_id, message)
    if not earliest:
        return []
    conversations = list(
        Conversation.objects.select_for_update(of=("self",))
        .filter(pk__in=earliest)
        .select_related("brand", "account")
        .order_by("pk")
    )
    open_clocks: dict[int, ResponseClock] = {}
    last_answer: dict[int, datetime] = {}
    known = ResponseClock.objects.filter(conversation_id__in=earliest, outcome__in=[Outcome.OPEN, Outcome.ANSWERED])
    for clock in known.select_related("policy"):
        if clock.outcome == Outcome.OPEN:
            open_clocks[clock.conversation_id] = clock
        elif clock.stopped_at is not None:
            last_answer[clock.conversation_id] = max(
                clock.stopped_at, last_answer.get(clock.conversation_id, clock.stopped_at)
            )
    policies = _policies_of({c.brand_id for c in conversations})
    new = []
    for conversation in conversations:
        message = earliest[conversation.pk]
        running = open_clocks.get(conversation.pk)
        if running is not None and not _stale(running, conversation):
            continue
        if running is not None and settle_stale_clock(running, conversation) == Outcome.ANSWERED:
            last_answer[conversation.pk] = max(filter(None, [last_answer.get(conversation.pk), running.stopped_at]))
        answered_at = last_answer.get(conversation.pk)
        if answered_at is not None and message.platform_time <= answered_at:
            continue  # found late, but written before the reply that answered it
        policy = choose_policy(
            policies,
            brand_id=conversation.brand_id,
            platform=conversation.account.platform,
            priority=conversation.priority,
        )
        kind = ClockKind.NEXT if answered_at is not None else ClockKind.FIRST
        new.append(_new_clock(conversation, message, kind, terms_of(policy, conversation.brand)))
    created = ResponseClock.objects.bulk_create(new, ignore_conflicts=True)
    _align_due_times([(clock.conversation, clock.due_at) for clock in created])
    return created


def _align_due_times(dues: list[tuple[Conversation, datetime]]) -> None:
    """The conversation shows the due time of its clock (a next-response target may differ from the first)."""
    changed = [(c.pk, due) for c, due in dues if c.response_due_at != due and c.awaiting_reply_since is not None]
    if not changed:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE inbox_conversation AS conversation SET response_due_at = aligned.due
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS aligned(id, due)
            WHERE conversation.id = aligned.id
            """,
            [[pk for pk, _ in changed], [due for _, due in changed]],
        )


def _stale(clock: ResponseClock, conversation: Conversation) -> bool:
    """The wait this clock measures is over: nothing waits now, or a later message started a new wait."""
    since = conversation.awaiting_reply_since
    return since is None or since > clock.started_at


def settle_stale_clock(clock: ResponseClock, conversation: Conversation) -> str:
    """End a clock whose wait ended without record_response: by the brand reply ingest found, else closed.

    A reply written on the platform itself reaches us by polling; ingest then clears the conversation's
    wait, and this finds that reply. A conversation resolved without any reply closes the clock unanswered.
    """
    replies = Message.objects.filter(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        delivery_status=DeliveryStatus.SENT,
        platform_time__gte=clock.platform_started_at,
    ).order_by("platform_time", "pk")
    terms = terms_of(clock.policy, conversation.brand)
    for reply in replies.only("pk", "is_automated", "platform_time", "sent_by_id", "account_id"):
        if reply.is_automated and not terms.automated_ack_stops_clock:
            if clock.automated_ack_at is None:
                _acknowledge(clock, reply.platform_time)
            continue
        _stop(clock, reply, reply.platform_time, terms)
        return Outcome.ANSWERED
    _close(clock, at=conversation.awaiting_reply_since or timezone.now())
    return Outcome.CLOSED


def _new_clock(conversation: Conversation, message: Message, kind: str, terms: Terms) -> ResponseClock:
    return ResponseClock(
        conversation=conversation,
        brand_id=conversation.brand_id,
        account_id=conversation.account_id,
        kind=kind,
        policy=terms.policy,
        start_message=message,
        started_at=message.received_at,
        platform_started_at=message.platform_time,
        target_minutes=terms.target(kind),
        at_risk_at=terms.at_risk(message.received_at, kind),
        due_at=terms.due(message.received_at, kind),
        listening_delay_seconds=max(0, int((message.received_at - message.platform_time).total_seconds())),
    )


def _close(clock: ResponseClock, *, at: datetime) -> None:
    clock.outcome = Outcome.CLOSED
    clock.stopped_at = max(at, clock.started_at)
    clock.save(update_fields=["outcome", "stopped_at"])


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
        return clock
    _stop(clock, message, sent_at, terms)
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
    clock.save(update_fields=["automated_ack_at", "automated_ack_seconds"])


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
    clock.save()


@transaction.atomic
def close_clock(*, conversation_id: int, at: datetime | None = None) -> None:
    """The conversation was resolved or marked spam without a reply: its wait ends, unanswered."""
    Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    clock = ResponseClock.objects.filter(conversation_id=conversation_id, outcome=Outcome.OPEN).first()
    if clock is not None:
        _close(clock, at=at or timezone.now())
