"""The composer's saved replies and offers: filled in for the conversation, held replies shown with their outcome."""

from __future__ import annotations

import uuid

from django.urls import reverse

from inbox.models import Author, Direction, Message
from monitoring.models import Platform
from responses.models import SavedReply
from responses.services import add_saved_reply
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer


def post(client, conv, **fields):
    data = {"text": "Sorry!", "idempotency_key": str(uuid.uuid4()), "seen_answer_id": "0"} | fields
    return client.post(reverse("inbox:reply", args=[conv.pk]), data)


def test_the_slash_list_holds_each_reply_filled_in_and_escaped(client, agent, brand):
    add_saved_reply(brand=brand, title="Thanks", text="Thanks {author_name}, from {agent_first_name}")
    conv = conversation(account(brand))
    Author.objects.filter(pk=conv.author_id).update(name='Eve"><img src=x>')
    agent.first_name = "Sam"
    agent.save()
    client.force_login(agent)
    body = client.get(reverse("inbox:conversation", args=[conv.pk])).content.decode()
    assert "data-saved-reply-search" in body
    assert 'data-text="Thanks Eve&quot;&gt;&lt;img src=x&gt;, from Sam"' in body
    assert "<script>" not in body.split("data-saved-reply-search")[1].split("</ul>")[0]


def test_an_offer_beyond_its_limit_is_held_and_the_composer_says_so(client, agent, brand):
    offer = pooled_offer(brand, "A", "B", per_agent_daily=1)
    saved = add_saved_reply(brand=brand, title="Sorry", text="Sorry {author_name}!")
    client.force_login(agent)
    assert post(client, conversation(account(brand)), offer=offer.pk).status_code == 201
    conv = conversation(account(brand))

    held = post(client, conv, offer=offer.pk, text="Sorry Jane Doe!", saved_reply_id=saved.pk)

    assert held.status_code == 202
    body = held.content.decode()
    assert 'data-status="pending"' in body and "beyond its limits" in body
    assert not Message.objects.filter(conversation=conv, direction=Direction.OUTBOUND).exists()
    assert SavedReply.objects.get().usage_count == 1


def test_the_composer_says_before_sending_when_no_code_can_go_privately(client, agent, brand):
    pooled_offer(brand, "A")
    article = conversation(account(brand, Platform.FEED))
    client.force_login(agent)
    body = client.get(reverse("inbox:conversation", args=[article.pk])).content.decode()
    assert 'data-testid="no-private-route"' in body


def test_a_public_reply_sending_the_customer_to_email_asks_first(client, agent, brand):
    conv = conversation(account(brand))
    client.force_login(agent)
    key = str(uuid.uuid4())
    asked = post(client, conv, text="Please email us at help@acme.test", idempotency_key=key)
    assert asked.status_code == 409 and "Send it anyway" in asked.content.decode()
    sent = post(client, conv, text="Please email us at help@acme.test", idempotency_key=key, confirm_channel_push="1")
    assert sent.status_code == 201


def test_a_reply_waiting_for_approval_still_shows_after_a_reload(client, agent, brand):
    from responses.models import ResponseSettings

    ResponseSettings.objects.create(brand=brand).trainees.add(agent)
    conv = conversation(account(brand))
    client.force_login(agent)
    assert post(client, conv).status_code == 202
    page = client.get(reverse("inbox:conversation", args=[conv.pk])).content.decode()
    assert 'data-testid="approval-status" ' in page or 'data-testid="approval-status"\n' in page
    assert "agent is in training" in page
