"""The conversation page's account of what happened: replies sent beside status changes, and how the clock ended."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import Status
from inbox.services import workflow
from monitoring.models import Platform
from tests.inbox.sla.helpers import channel, conversation, reply

pytestmark = pytest.mark.django_db


def sidebar(client, user, convo) -> str:
    client.force_login(user)
    page = client.get(reverse("inbox:conversation", args=[convo.pk])).content.decode()
    return page.split('class="panel"', 1)[1]


def section(page: str, heading: str) -> str:
    return page.split(f"<h2>{heading}</h2>", 1)[1].split("</section>", 1)[0]


def test_history_shows_replies_sent_with_who_where_and_when_beside_status_changes(client, agent, brand):
    now = timezone.now()
    x = channel(brand, Platform.X, "acme")
    convo = conversation(x, received=now - timedelta(minutes=30))
    ours = reply(convo, at=now - timedelta(minutes=20), by=agent)
    ours.url = "https://x.com/acme/status/77"
    ours.save(update_fields=["url"])
    native = reply(convo, at=now - timedelta(minutes=10), by=None)  # posted on X, not from Promptly
    native.in_reply_to = convo.messages.get(direction="in").external_id
    native.save(update_fields=["in_reply_to"])
    reply(convo, at=now - timedelta(minutes=8), by=None)  # the brand's own post: it answers nobody
    reply(convo, at=now - timedelta(minutes=5), by=agent, status="failed")  # never reached the customer
    workflow.do_change_status(actor=agent, conversation_id=convo.pk, status=Status.RESOLVED)

    history = section(sidebar(client, agent, convo), "History")

    lines = history.split("<li>")[1:]
    assert len(lines) == 3
    assert "status open → resolved" in lines[0] or "status new → resolved" in lines[0]
    assert "Acme Coffee</b> replied on the platform" in lines[1] and "in public on X" in lines[1]
    assert "agent</b> replied" in lines[2] and "in public on X" in lines[2]
    assert 'href="https://x.com/acme/status/77"' in lines[2]
    assert (now - timedelta(minutes=20)).astimezone(ZoneInfo(brand.audience_time_zone)).strftime("%H:%M") in lines[2]


def test_a_resolved_conversation_says_how_its_clock_ended_not_a_due_time(client, agent, brand):
    now = timezone.now()
    x = channel(brand, Platform.X, "acme")
    answered = conversation(x, received=now - timedelta(minutes=30))
    reply(answered, at=now - timedelta(minutes=18), by=agent)
    unanswered = conversation(x, received=now - timedelta(minutes=7))
    for convo in (answered, unanswered):
        workflow.do_change_status(actor=agent, conversation_id=convo.pk, status=Status.RESOLVED)

    answered_sla = section(sidebar(client, agent, answered), "Details").split("<dt>SLA</dt>")[1].split("</dd>")[0]
    unanswered_sla = section(sidebar(client, agent, unanswered), "Details").split("<dt>SLA</dt>")[1].split("</dd>")[0]

    assert "Answered in 12 min by agent" in answered_sla
    assert "Resolved without a reply" in unanswered_sla
    assert "due in" not in answered_sla + unanswered_sla and "overdue" not in answered_sla + unanswered_sla


def test_a_resolved_conversations_queue_row_shows_no_due_time(client, agent, brand):
    convo = conversation(channel(brand, Platform.X, "acme"), received=timezone.now() - timedelta(minutes=7))
    workflow.do_change_status(actor=agent, conversation_id=convo.pk, status=Status.RESOLVED)
    client.force_login(agent)

    row = client.get(reverse("inbox:rows"), {"status": "resolved"}).content.decode()

    assert f'id="conv-{convo.pk}"' in row
    assert "due in" not in row and "countdown" not in row and "Answered" not in row
