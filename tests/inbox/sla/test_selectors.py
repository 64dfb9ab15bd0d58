"""The queue's SLA state: on track, at risk, breached, or nothing waiting, as a filterable annotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inbox.models import Conversation
from inbox.sla.selectors import SlaState, with_sla_state
from inbox.sla.services import set_policy
from tests.inbox.sla.helpers import channel, conversation, reply

pytestmark = pytest.mark.django_db
T = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_states_follow_the_clock_and_filter_in_one_query(brand, agent, django_assert_num_queries):
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[])
    x = channel(brand)
    fresh = conversation(x, received=T)
    risky = conversation(x, received=T - timedelta(minutes=50))
    late = conversation(x, received=T - timedelta(minutes=70))
    answered = conversation(x, received=T - timedelta(minutes=70))
    reply(answered, at=T - timedelta(minutes=60), by=agent)
    with django_assert_num_queries(1):
        states = dict(with_sla_state(Conversation.objects.all(), now=T).values_list("pk", "sla_state"))
    assert states == {
        fresh.pk: SlaState.ON_TRACK,
        risky.pk: SlaState.AT_RISK,
        late.pk: SlaState.BREACHED,
        answered.pk: SlaState.NONE,
    }
    at_risk = with_sla_state(Conversation.objects.all(), now=T).filter(sla_state=SlaState.AT_RISK)
    assert [c.pk for c in at_risk] == [risky.pk]
    first = with_sla_state(Conversation.objects.filter(pk=late.pk), now=T).get()
    assert first.sla_due_at == T - timedelta(minutes=10)
