"""Properties of how messages move a conversation's status and SLA clock (pure logic, hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from inbox.models import Direction, Status
from inbox.services.thread_state import EMPTY, NewMessage, ThreadState, advance

T0 = datetime(2026, 1, 1, tzinfo=UTC)
RECEIVED = T0 + timedelta(days=1)


def due(received_at: datetime) -> datetime:
    return received_at + timedelta(hours=2)


messages = st.lists(
    st.builds(
        NewMessage,
        direction=st.sampled_from([Direction.INBOUND, Direction.OUTBOUND]),
        platform_time=st.integers(0, 10_000).map(lambda minutes: T0 + timedelta(minutes=minutes)),
        received_at=st.just(RECEIVED),
        priority=st.integers(0, 100),
        sentiment=st.sampled_from(["positive", "neutral", "negative", "unknown"]),
        language=st.sampled_from(["", "en", "lt"]),
    ),
    min_size=1,
    max_size=20,
)


def _last_is_unanswered(batch: list[NewMessage]) -> bool:
    newest_in = max((m.platform_time for m in batch if m.direction == Direction.INBOUND), default=None)
    newest_out = max((m.platform_time for m in batch if m.direction == Direction.OUTBOUND), default=None)
    return newest_in is not None and (newest_out is None or newest_in > newest_out)


@given(messages)
def test_a_new_thread_waits_exactly_when_a_customer_message_follows_the_last_brand_post(batch):
    state = advance(EMPTY, batch, created=True, due=due)
    assert (state.awaiting_reply_since is not None) == _last_is_unanswered(batch)
    if state.awaiting_reply_since is not None:
        assert state.response_due_at == due(state.awaiting_reply_since)
    else:
        assert state.response_due_at is None
    has_inbound = any(m.direction == Direction.INBOUND for m in batch)
    assert state.status == (Status.NEW if has_inbound else Status.RESOLVED)
    assert 0 <= state.priority <= 100


@given(messages, messages)
def test_two_batches_end_where_one_batch_would_when_in_time_order(first, second):
    shift = timedelta(days=30)
    later = [
        NewMessage(m.direction, m.platform_time + shift, m.received_at, m.priority, m.sentiment, m.language)
        for m in second
    ]
    step = advance(advance(EMPTY, first, created=True, due=due), later, created=False, due=due)
    whole = advance(EMPTY, first + later, created=True, due=due)
    assert step.awaiting_reply_since == whole.awaiting_reply_since
    assert step.response_due_at == whole.response_due_at
    assert step.last_message_at == whole.last_message_at


@given(messages, st.sampled_from([Status.SPAM]))
def test_spam_never_starts_a_clock(batch, status):
    spam = ThreadState(status, None, None, T0, T0, 0, "neutral", "")
    state = advance(spam, batch, created=False, due=due)
    assert state.status == Status.SPAM and state.awaiting_reply_since is None


@given(messages, st.sampled_from([Status.RESOLVED, Status.PENDING, Status.SNOOZED, Status.OPEN, Status.NEW]))
def test_a_customer_message_brings_a_thread_back_to_work(batch, status):
    previous = ThreadState(status, None, None, T0, T0, 0, "neutral", "")
    state = advance(previous, batch, created=False, due=due)
    if any(m.direction == Direction.INBOUND for m in batch):
        assert state.status in {Status.OPEN, Status.NEW}
    else:
        assert state.status == status


@given(messages)
def test_a_waiting_clock_keeps_its_start_until_answered(batch):
    started = T0 - timedelta(hours=1)
    previous = ThreadState(Status.OPEN, started, due(started), T0, T0, 40, "negative", "en")
    inbound_only = [m for m in batch if m.direction == Direction.INBOUND]
    state = advance(previous, inbound_only, created=False, due=due)
    assert state.awaiting_reply_since == started and state.response_due_at == due(started)
    assert state.priority >= 40
