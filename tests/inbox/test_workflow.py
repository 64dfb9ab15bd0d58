"""The workflow service: status machine, snooze, assignment, round-robin, tags, notes, history, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.roles import Role
from accounts.services import create_user
from brands.models import Team
from brands.services import add_brand, add_member
from inbox.models import AgentAvailability, ConversationEvent, InboxSettings, Status
from inbox.services import workflow
from inbox.services.ingest import ingest_batch
from tests.conftest import PASSWORD
from tests.inbox.factories import ConversationFactory
from tests.inbox.ingest_helpers import author, batch, make_account, post


def history(conversation) -> list[tuple[str, dict]]:
    return [(e.kind, e.data) for e in ConversationEvent.objects.filter(conversation=conversation).order_by("id")]


@given(st.sampled_from(Status.values), st.sampled_from(Status.values))
def test_the_transition_table_never_leads_back_to_new(start, target):
    allowed = target in workflow.TRANSITIONS[start]
    assert not (allowed and target == Status.NEW)
    assert not (allowed and target == start)


def test_status_moves_along_and_is_recorded(agent, brand):
    conversation = ConversationFactory(brand=brand)
    for status in (Status.OPEN, Status.PENDING, Status.RESOLVED, Status.OPEN):
        workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=status)
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert [data["to"] for _, data in history(conversation)] == ["open", "pending", "resolved", "open"]


def test_refused_transitions_say_why(agent, brand):
    conversation = ConversationFactory(brand=brand, status=Status.RESOLVED)
    with pytest.raises(workflow.WorkflowError, match="resolved conversation cannot become pending"):
        workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.PENDING)
    with pytest.raises(workflow.WorkflowError, match="cannot become new"):
        workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.NEW)
    assert history(conversation) == []


def test_snooze_needs_a_future_time_and_wakes_up_as_open(agent, brand):
    conversation = ConversationFactory(brand=brand)
    with pytest.raises(workflow.WorkflowError, match="future"):
        workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.SNOOZED)
    until = timezone.now() + dt.timedelta(hours=1)
    workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.SNOOZED, snoozed_until=until)
    assert workflow.do_wake_snoozed(now=until - dt.timedelta(minutes=1)) == []
    assert workflow.do_wake_snoozed(now=until) == [conversation.pk]
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN and conversation.snoozed_until is None
    assert history(conversation)[-1] == ("status", {"from": "snoozed", "to": "open"})


def test_a_new_inbound_message_reopens_a_resolved_conversation(agent, brand):
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1")))
    conversation = account.conversations.get()
    workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.RESOLVED)
    ingest_batch(account=account, stream="mentions", result=batch(post("2", thread="1", minutes=5)))
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN


def test_assigning_a_new_conversation_opens_it(agent, brand):
    conversation = ConversationFactory(brand=brand)
    workflow.do_claim(actor=agent, conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert conversation.assignee == agent and conversation.status == Status.OPEN
    assert [kind for kind, _ in history(conversation)] == ["assigned", "status"]


def test_assign_to_a_team_of_the_brand_only(agent, brand):
    conversation = ConversationFactory(brand=brand)
    billing = Team.objects.create(brand=brand, name="Billing")
    foreign = Team.objects.create(brand=add_brand(slug="globex", name="Globex"), name="Billing")
    workflow.do_assign(actor=agent, conversation_id=conversation.pk, assignee=None, team=billing)
    conversation.refresh_from_db()
    assert conversation.team == billing and conversation.status == Status.NEW
    with pytest.raises(workflow.WorkflowError, match="not one of this conversation's brand"):
        workflow.do_assign(actor=agent, conversation_id=conversation.pk, assignee=None, team=foreign)


def test_only_members_with_a_role_can_be_assigned(agent, brand):
    conversation = ConversationFactory(brand=brand)
    outsider = create_user(username="outsider", password=PASSWORD, role=Role.AGENT)
    with pytest.raises(workflow.WorkflowError, match="not a member"):
        workflow.do_assign(actor=agent, conversation_id=conversation.pk, assignee=outsider)


def test_an_agent_of_another_brand_may_change_nothing(brand):
    conversation = ConversationFactory(brand=brand)
    stranger = create_user(username="stranger", password=PASSWORD, role=Role.AGENT)
    add_member(brand=add_brand(slug="globex", name="Globex"), user=stranger)
    calls = [
        lambda: workflow.do_change_status(actor=stranger, conversation_id=conversation.pk, status=Status.RESOLVED),
        lambda: workflow.do_claim(actor=stranger, conversation_id=conversation.pk),
        lambda: workflow.do_add_tag(actor=stranger, conversation_id=conversation.pk, name="x"),
        lambda: workflow.do_add_note(actor=stranger, conversation_id=conversation.pk, text="x"),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="not a member"):
            call()
    conversation.refresh_from_db()
    assert conversation.status == Status.NEW and conversation.assignee is None


def test_a_member_without_a_role_may_change_nothing(agent, brand):
    conversation = ConversationFactory(brand=brand)
    agent.groups.remove(*Group.objects.all())
    with pytest.raises(PermissionDenied, match="agent role"):
        workflow.do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.RESOLVED)


def test_tags_are_per_brand_case_insensitive_and_recorded(agent, brand):
    conversation = ConversationFactory(brand=brand)
    first = workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="  Refund   request ")
    again = workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="refund request")
    assert first == again and first.name == "Refund request"
    workflow.do_remove_tag(actor=agent, conversation_id=conversation.pk, tag_id=first.pk)
    assert [kind for kind, _ in history(conversation)] == ["tagged", "untagged"]
    with pytest.raises(workflow.WorkflowError, match="at most 50"):
        workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="x" * 51)


def test_notes_are_bounded_and_recorded(agent, brand):
    conversation = ConversationFactory(brand=brand)
    with pytest.raises(workflow.WorkflowError, match="empty"):
        workflow.do_add_note(actor=agent, conversation_id=conversation.pk, text="   ")
    note = workflow.do_add_note(actor=agent, conversation_id=conversation.pk, text="Called the customer")
    assert history(conversation) == [("note", {"note_id": note.pk})]


def _online_agent(brand, name, on_shift=True, seen_ago=dt.timedelta(seconds=10)):
    user = create_user(username=name, password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=user)
    AgentAvailability.objects.create(user=user, on_shift=on_shift, last_seen_at=timezone.now() - seen_ago)
    return user


def test_round_robin_spreads_new_conversations_among_online_agents_on_shift_under_the_cap(brand):
    InboxSettings.objects.create(brand=brand, round_robin=True, max_open_per_agent=2)
    ann = _online_agent(brand, "ann")
    bob = _online_agent(brand, "bob")
    _online_agent(brand, "off_shift", on_shift=False)
    _online_agent(brand, "gone_home", seen_ago=dt.timedelta(hours=1))
    account = make_account(brand)
    posts = [post(str(n), by=author(f"u{n}"), minutes=n) for n in range(5)]
    ingest_batch(account=account, stream="mentions", result=batch(*posts))
    conversations = list(account.conversations.order_by("pk"))
    owners = [c.assignee.username if c.assignee else None for c in conversations]
    assert owners[:4].count("ann") == 2 and owners[:4].count("bob") == 2
    assert owners[4] is None  # everyone is at the cap: it waits in the queue
    assert {c.status for c in conversations[:4]} == {Status.OPEN}
    assert ConversationEvent.objects.filter(kind="assigned", actor=None).count() == 4
    assert {ann.pk, bob.pk} == {c.assignee_id for c in conversations[:4]}


def test_round_robin_is_off_unless_the_brand_turns_it_on(brand):
    _online_agent(brand, "ann")
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1")))
    assert account.conversations.get().assignee is None
