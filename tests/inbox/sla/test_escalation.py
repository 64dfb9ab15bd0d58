"""Warnings fire once per clock and kind, however many workers run the escalation at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from inbox.models import Conversation
from inbox.signals import sla_warning
from inbox.sla.escalation import fire_warnings
from inbox.sla.models import Escalation, SlaPolicy, SlaWarning
from inbox.sla.services import set_policy
from tests.inbox.sla.helpers import channel, conversation, reply

T = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def heard():
    events: list[tuple[int, str]] = []

    def listen(sender, *, conversation_id, kind, **kwargs):
        events.append((conversation_id, kind))

    sla_warning.connect(listen, dispatch_uid="test-heard")
    yield events
    sla_warning.disconnect(dispatch_uid="test-heard")


@pytest.mark.django_db
def test_at_risk_then_breached_each_fire_once(brand, agent, heard):
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[])
    convo = conversation(channel(brand), received=T)
    assert fire_warnings(now=T + timedelta(minutes=44)) == []
    assert [kind for _, kind in fire_warnings(now=T + timedelta(minutes=45))] == ["at_risk"]
    assert fire_warnings(now=T + timedelta(minutes=50)) == []
    assert [kind for _, kind in fire_warnings(now=T + timedelta(minutes=61))] == ["breached"]
    assert fire_warnings(now=T + timedelta(minutes=90)) == []
    assert heard == [(convo.pk, "at_risk"), (convo.pk, "breached")]


@pytest.mark.django_db
def test_answered_and_resolved_conversations_do_not_warn(brand, agent, heard):
    convo = conversation(channel(brand), received=T)
    reply(convo, at=T + timedelta(minutes=5), by=agent)
    other = conversation(channel(brand), received=T)
    Conversation.objects.filter(pk=other.pk).update(status="resolved")
    assert fire_warnings(now=T + timedelta(days=1)) == []
    assert heard == []


@pytest.mark.django_db
def test_a_clock_found_past_due_announces_only_the_breach_and_reassigns(brand, agent, supervisor, heard):
    set_policy(brand=brand, first_response_minutes=30, hours=[], holidays=[])
    SlaPolicy.objects.update(escalation=Escalation.BREACHED, escalate_to=supervisor)
    convo = conversation(channel(brand), received=T)
    Conversation.objects.filter(pk=convo.pk).update(assignee=agent)
    fire_warnings(now=T + timedelta(hours=2))
    assert heard == [(convo.pk, "breached")]
    assert SlaWarning.objects.filter(clock__conversation=convo).count() == 2
    convo.refresh_from_db()
    assert convo.assignee == supervisor


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_fire_each_warning_once(brand, heard):
    set_policy(brand=brand, first_response_minutes=10, hours=[], holidays=[])
    account = channel(brand)
    for _ in range(20):
        conversation(account, received=T)
    barrier = threading.Barrier(4)
    fired: list[list[tuple[int, str]]] = []

    def worker() -> None:
        barrier.wait()
        try:
            fired.append(fire_warnings(now=T + timedelta(minutes=11)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(batch) for batch in fired) == 20
    assert len(heard) == 20 and len(set(heard)) == 20
    assert SlaWarning.objects.count() == 40
