"""Notifications for agents: assigned to them, theirs about to breach, a reply of theirs failed; each kind muted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from inbox.models import DeliveryStatus, Direction, NotificationKind, NotificationMute
from inbox.notifications import muted_kinds, set_muted_kinds
from inbox.services import workflow
from inbox.services.delivery import give_up
from inbox.sla.escalation import fire_warnings
from tests.conftest import PASSWORD
from tests.inbox.factories import AuthorFactory, MessageFactory, conversation_with_message
from tests.inbox.sla.helpers import channel
from tests.inbox.sla.helpers import conversation as sla_conversation
from tests.monitoring.alerts.test_in_app import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def colleague(brand):
    user = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=user)
    return user


def heard(user, action) -> list[dict]:
    """What the person's open pages hear while `action` runs (their alerts socket)."""

    async def scenario() -> list[dict]:
        socket = Socket(user)
        assert await socket.connect()
        await database_sync_to_async(action)()
        events = []
        while not await socket.receive_nothing(timeout=0.5):
            events.append(await socket.receive_json_from(timeout=1))
        await socket.disconnect()
        return events

    return run(scenario)


def test_a_conversation_assigned_to_me_by_someone_else_tells_me_with_a_link(brand, agent, colleague):
    conversation = conversation_with_message(brand, author=AuthorFactory(name="<b>Ana</b>"))

    events = heard(agent, lambda: workflow.do_assign(actor=colleague, conversation_id=conversation.pk, assignee=agent))

    assert [event["kind"] for event in events] == ["notice"]
    alert = events[0]["alert"]
    assert alert["title"] == "Assigned to you"
    assert alert["body"] == "The conversation with <b>Ana</b> is yours now."  # data: the page sets it as text
    assert alert["url"] == f"/inbox/?c={conversation.pk}"


def test_the_notice_speaks_the_recipients_language_not_the_assigners(brand, agent, colleague):
    conversation = conversation_with_message(brand, author=AuthorFactory(name="Ana"))
    agent.language = "es"
    agent.save(update_fields=["language"])

    with translation.override("lt"):
        events = heard(
            agent, lambda: workflow.do_assign(actor=colleague, conversation_id=conversation.pk, assignee=agent)
        )

    assert events[0]["alert"]["title"] == "Asignada a ti"


def test_taking_one_myself_or_a_muted_kind_tells_nobody(brand, agent, colleague):
    conversation = conversation_with_message(brand)
    assert heard(agent, lambda: workflow.do_claim(actor=agent, conversation_id=conversation.pk)) == []
    set_muted_kinds(user_id=colleague.pk, kinds={NotificationKind.ASSIGNED})
    assign = lambda: workflow.do_assign(actor=agent, conversation_id=conversation.pk, assignee=colleague)  # noqa: E731
    assert heard(colleague, assign) == []


def test_my_conversation_about_to_breach_tells_me(brand, agent, colleague):
    # Brand target 2 h; at risk from 75% of it.
    conversation = sla_conversation(channel(brand), received=timezone.now() - timedelta(minutes=110))
    workflow.do_assign(actor=colleague, conversation_id=conversation.pk, assignee=agent)

    events = heard(agent, lambda: fire_warnings(now=timezone.now()))

    assert [event["alert"]["notice"] for event in events] == ["at_risk"]
    assert heard(colleague, lambda: fire_warnings(now=timezone.now())) == []


def test_a_reply_of_mine_that_failed_tells_me_only(brand, agent, colleague):
    conversation = conversation_with_message(brand)
    reply = MessageFactory(
        conversation=conversation, direction=Direction.OUTBOUND, sent_by=agent, delivery_status=DeliveryStatus.SENDING
    )

    events = heard(agent, lambda: give_up(message_id=reply.pk, reason="X is down"))

    assert [event["alert"]["title"] for event in events] == ["Your reply failed"]


def test_a_person_mutes_and_unmutes_each_kind_on_the_settings_page(client, agent):
    client.force_login(agent)
    page = client.get(reverse("inbox:notifications")).content.decode()
    assert page.count('name="notify"') == 3 and page.count("checked") == 3
    client.post(reverse("inbox:notifications"), {"notify": ["assigned", "nonsense"]})
    assert muted_kinds(agent.pk) == {"at_risk", "reply_failed"}
    client.post(reverse("inbox:notifications"), {"notify": ["assigned", "at_risk", "reply_failed"]})
    assert not NotificationMute.objects.exists()
