"""The clock starts at the first unanswered inbound message and stops at the first reply a person sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from inbox.models import Conversation, DeliveryStatus, Direction, Message, Visibility
from inbox.services.ingest import ingest_batch
from inbox.sla.escalation import fire_warnings
from inbox.sla.models import ClockKind, Outcome, ResponseClock
from inbox.sla.services import set_policy
from monitoring.models import Platform
from tests.inbox.ingest_helpers import batch, make_account, post
from tests.inbox.sla.helpers import channel, conversation, customer_writes, reply, resolve_without_reply

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LA)


@pytest.fixture
def office(brand):
    return set_policy(brand=brand, first_response_minutes=30, hours=["mon-fri 09:00-17:00"], holidays=[])


def clock_of(convo: Conversation, kind: str = ClockKind.FIRST) -> ResponseClock:
    return ResponseClock.objects.get(conversation=convo, kind=kind)


def test_clock_due_in_business_hours_and_stopped_by_a_person(brand, office, agent):
    convo = conversation(channel(brand), received=at(20, 16, 45), delay=timedelta(minutes=5))
    clock = clock_of(convo)
    assert clock.due_at == at(23, 9, 15)
    assert clock.at_risk_at == at(
        23,
        9,
        7,
    ) + timedelta(seconds=30)
    assert clock.listening_delay_seconds == 300
    reply(convo, at=at(23, 9, 10), by=agent)
    clock.refresh_from_db()
    assert clock.outcome == Outcome.ANSWERED
    assert clock.responder == agent
    assert clock.response_seconds == (at(23, 9, 10) - at(20, 16, 45)).total_seconds()
    assert clock.response_seconds_platform == clock.response_seconds + 300
    assert clock.business_seconds == 25 * 60  # 16:45-17:00 Friday, 09:00-09:10 Monday
    assert clock.business_seconds_platform == 30 * 60  # posted 16:40
    convo.refresh_from_db()
    assert convo.awaiting_reply_since is None and convo.response_due_at is None


def test_queued_reply_does_not_stop_the_clock_until_sent(brand, agent):
    convo = conversation(channel(brand), received=at(23, 10))
    message = reply(convo, at=at(23, 10, 5), by=agent, status=DeliveryStatus.QUEUED)
    assert clock_of(convo).outcome == Outcome.OPEN
    Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.SENT)
    from inbox.sla.services import record_response

    record_response(message_id=message.pk, sent_at=at(23, 10, 7))
    record_response(message_id=message.pk, sent_at=at(23, 10, 9))  # twice is harmless
    clock = clock_of(convo)
    assert (clock.outcome, clock.response_seconds) == (Outcome.ANSWERED, 7 * 60)


def test_automated_acknowledgement_is_reported_apart_and_does_not_stop(brand, agent):
    convo = conversation(channel(brand), received=at(23, 10))
    reply(convo, at=at(23, 10, 1), by=None, automated=True)
    clock = clock_of(convo)
    assert (clock.outcome, clock.automated_ack_seconds) == (Outcome.OPEN, 60)
    reply(convo, at=at(23, 10, 40), by=agent)
    clock.refresh_from_db()
    assert (clock.outcome, clock.response_seconds, clock.automated_ack_seconds) == (Outcome.ANSWERED, 2400, 60)


def test_policy_can_let_automated_acknowledgements_stop_the_clock(brand):
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[], automated_ack_stops_clock=True)
    convo = conversation(channel(brand), received=at(23, 10))
    reply(convo, at=at(23, 10, 1), by=None, automated=True)
    assert clock_of(convo).outcome == Outcome.ANSWERED


def test_private_reply_through_another_channel_stops_the_clock(brand, agent):
    public = channel(brand, Platform.X)
    messenger = channel(brand, Platform.FACEBOOK, handle="Acme page")
    convo = conversation(public, received=at(23, 10))
    reply(convo, at=at(23, 10, 20), by=agent, account=messenger, visibility=Visibility.PRIVATE)
    clock = clock_of(convo)
    assert (clock.outcome, clock.reply_account_id, clock.account_id) == (Outcome.ANSWERED, messenger.pk, public.pk)


def test_customer_writing_again_starts_a_next_response_clock(brand, agent):
    set_policy(brand=brand, first_response_minutes=60, next_response_minutes=15, hours=[], holidays=[])
    convo = conversation(channel(brand), received=at(23, 10))
    customer_writes(convo, received=at(23, 10, 5))  # same wait: the clock keeps running from 10:00
    reply(convo, at=at(23, 10, 30), by=agent)
    customer_writes(convo, received=at(23, 11))
    following = clock_of(convo, ClockKind.NEXT)
    assert (following.started_at, following.due_at) == (at(23, 11), at(23, 11, 15))
    assert clock_of(convo).response_seconds == 1800


def test_reopened_conversation_measures_from_the_new_message(brand, agent):
    convo = conversation(channel(brand), received=at(23, 10))
    resolve_without_reply(convo)
    customer_writes(convo, received=at(24, 8))
    clocks = list(ResponseClock.objects.filter(conversation=convo).order_by("started_at"))
    assert [(c.kind, c.outcome) for c in clocks] == [(ClockKind.FIRST, Outcome.CLOSED), (ClockKind.FIRST, Outcome.OPEN)]
    reply(convo, at=at(24, 8, 10), by=agent)
    clocks[1].refresh_from_db()
    assert clocks[1].response_seconds == 600


def test_ingest_opens_the_clock_and_a_brand_reply_found_by_polling_stops_it(brand):
    set_policy(brand=brand, first_response_minutes=45, hours=[], holidays=[])
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="@acme help")))
    convo = Conversation.objects.get()
    clock = clock_of(convo)
    assert convo.response_due_at == clock.due_at == clock.started_at + timedelta(minutes=45)
    answer_time = clock.platform_started_at + timedelta(minutes=3)
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(post("2", thread="1", minutes=3, is_from_brand=True, in_reply_to="1")),
    )
    assert Message.objects.get(external_id="2").direction == Direction.OUTBOUND
    fire_warnings()
    clock.refresh_from_db()
    assert (clock.outcome, clock.stopped_at, clock.responder_id) == (Outcome.ANSWERED, answer_time, None)


def test_a_brand_reply_found_by_polling_is_recorded_in_full_when_the_customer_writes_again(brand):
    set_policy(brand=brand, first_response_minutes=45, hours=[], holidays=[])
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="@acme help")))
    convo = Conversation.objects.get()
    answer = post("2", thread="1", minutes=3, is_from_brand=True, in_reply_to="1")
    ingest_batch(account=account, stream="mentions", result=batch(answer))
    # The clock's wait ended unnoticed; the customer's next message settles it (start_clocks).
    ingest_batch(account=account, stream="mentions", result=batch(post("3", thread="1", minutes=10, text="still?")))
    first = clock_of(convo)
    settled = (first.outcome, first.stopped_at, first.stop_message_id, first.reply_account_id, first.responder_id)
    assert settled == (
        Outcome.ANSWERED,
        answer.platform_time,
        Message.objects.get(external_id="2").pk,
        account.pk,
        None,
    )
    assert (first.response_seconds_platform, first.business_seconds_platform) == (180, 180)
    # Round the clock coverage: business time is calendar time, from receipt too.
    assert first.business_seconds == first.response_seconds is not None
    assert (first.automated_ack_at, first.automated_ack_seconds) == (None, None)
    assert clock_of(convo, ClockKind.NEXT).outcome == Outcome.OPEN


def test_a_clock_settled_when_the_customer_writes_again_counts_business_time_by_its_own_policy(brand):
    set_policy(brand=brand, first_response_minutes=45, hours=[], holidays=[])
    # The channel's policy covers two minutes of the three the brand took to answer (T0 is Monday 01:00 there).
    set_policy(brand=brand, platform=Platform.X, first_response_minutes=45, hours=["mon 01:00-01:02"], holidays=[])
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="@acme help")))
    answer = post("2", thread="1", minutes=3, is_from_brand=True, in_reply_to="1")
    ingest_batch(account=account, stream="mentions", result=batch(answer))
    ingest_batch(account=account, stream="mentions", result=batch(post("3", thread="1", minutes=10, text="still?")))
    first = clock_of(Conversation.objects.get())
    assert (first.outcome, first.response_seconds_platform, first.business_seconds_platform) == (
        Outcome.ANSWERED,
        180,
        120,
    )


def test_due_time_follows_the_channel_policy_over_the_brand_default(brand):
    set_policy(brand=brand, first_response_minutes=120, hours=[], holidays=[])
    set_policy(brand=brand, platform=Platform.FACEBOOK, first_response_minutes=20, hours=[], holidays=[])
    convo = conversation(channel(brand, Platform.FACEBOOK), received=datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert clock_of(convo).due_at == datetime(2026, 11, 23, 12, 20, tzinfo=UTC)
