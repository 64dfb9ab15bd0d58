"""How new messages move a conversation: status, the SLA clock, and what the queue shows (pure logic)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from inbox.models import Direction, Status

# A customer writing again brings these back to the team's work; spam stays spam.
REOPENED_BY_INBOUND = frozenset({Status.RESOLVED, Status.PENDING, Status.SNOOZED})


@dataclass(frozen=True)
class ThreadState:
    status: str
    awaiting_reply_since: datetime | None
    response_due_at: datetime | None
    last_inbound_at: datetime | None  # platform time of the newest customer message; None: none yet
    last_message_at: datetime | None
    priority: int
    sentiment: str
    language: str


@dataclass(frozen=True)
class NewMessage:
    direction: str
    platform_time: datetime
    received_at: datetime
    priority: int
    sentiment: str
    language: str


EMPTY = ThreadState(
    status=Status.RESOLVED,
    awaiting_reply_since=None,
    response_due_at=None,
    last_inbound_at=None,
    last_message_at=None,
    priority=0,
    sentiment="neutral",
    language="",
)


def _status(previous: ThreadState, created: bool, has_inbound: bool) -> str:
    if created:
        # A thread the brand started itself (its own post) is not work until someone answers it.
        return Status.NEW if has_inbound else Status.RESOLVED
    if has_inbound and previous.status in REOPENED_BY_INBOUND:
        return Status.OPEN
    return previous.status


def _clock(previous: ThreadState, messages: list[NewMessage]) -> tuple[datetime | None, datetime | None]:
    """The oldest unanswered inbound's received time after these messages, and the newest inbound time.

    A brand post answers every customer message written before it (platform time); one written
    after the reply starts the clock again.
    """
    waiting = previous.awaiting_reply_since
    last_inbound = previous.last_inbound_at
    for message in messages:
        if message.direction == Direction.INBOUND:
            waiting = waiting or message.received_at
            last_inbound = max(last_inbound, message.platform_time) if last_inbound else message.platform_time
        elif waiting is not None and (last_inbound is None or message.platform_time >= last_inbound):
            waiting = None
    return waiting, last_inbound


def _due_at(
    previous: ThreadState, waiting: datetime | None, due: Callable[[datetime], datetime | None]
) -> datetime | None:
    if waiting == previous.awaiting_reply_since:
        return previous.response_due_at  # the same clock keeps its deadline
    return due(waiting) if waiting else None


def _review_due_at(
    previous: ThreadState, inbound: list[NewMessage], due: Callable[[datetime], datetime | None]
) -> datetime | None:
    if previous.response_due_at is not None or not inbound:
        return previous.response_due_at  # the oldest item not yet reviewed keeps its target
    return due(min(message.received_at for message in inbound))


def advance(
    previous: ThreadState,
    messages: Iterable[NewMessage],
    *,
    created: bool,
    due: Callable[[datetime], datetime | None],
    on_clock: bool = True,
) -> ThreadState:
    """The conversation after `messages` (only those actually stored) joined it.

    `due(received_at)` computes a response deadline; it is asked only when the clock (re)starts. A
    conversation off the clock (`on_clock` False: to review, nobody can answer it where it was found)
    never waits; its due time is the review target `due` gives its first item not yet reviewed, if any.
    """
    ordered = sorted(messages, key=lambda message: (message.platform_time, message.direction == Direction.OUTBOUND))
    if not ordered:
        return previous
    inbound = [message for message in ordered if message.direction == Direction.INBOUND]
    status = _status(previous, created, bool(inbound))
    last_message_at = max(filter(None, [previous.last_message_at, ordered[-1].platform_time]))
    if status == Status.SPAM:
        return replace(previous, status=status, last_message_at=last_message_at)
    waiting, last_inbound = _clock(previous, ordered)
    if not on_clock:
        waiting = None
    priority, sentiment, language = previous.priority, previous.sentiment, previous.language
    if inbound:
        newest = inbound[-1]
        # Work already waiting keeps its urgency; an answered thread starts from the new message.
        carried = previous.priority if previous.awaiting_reply_since else 0
        priority = max(carried, *(message.priority for message in inbound))
        sentiment = newest.sentiment
        language = newest.language or previous.language
    elif created:
        language = ordered[0].language
    # Built once: a batch advances every one of its threads, and three dataclasses.replace per thread were a
    # visible share of ingest's time.
    return ThreadState(
        status=status,
        awaiting_reply_since=waiting,
        response_due_at=_due_at(previous, waiting, due) if on_clock else _review_due_at(previous, inbound, due),
        last_inbound_at=last_inbound,
        last_message_at=last_message_at,
        priority=priority,
        sentiment=sentiment,
        language=language,
    )
