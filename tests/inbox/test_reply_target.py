"""Which post a reply answers: the customer's latest message by default, or the one the agent chose.

Through the composer's own endpoints, the delivery task (Celery eager mode), the real connectors and the
sandbox platform, as in test_delivery_sandbox.py.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from inbox.models import Conversation, DeliveryStatus, Direction, Message
from monitoring.connectors.facebook import comment_thread_root
from sandbox import services as sandbox
from tests.inbox import sandbox_channels as channels


@pytest.fixture
def x_thread(deliver_inline):
    """Maria's mention, her follow-up under it, then Ben's post under her first: the newest is Ben's."""
    account = channels.x_account()
    first = sandbox.post_mention(brand="acme", text="my beans never came", author="maria")
    follow_up = sandbox.post_mention(brand="acme", text="and the lid was broken", author="maria", in_reply_to=first.id)
    sandbox.post_tweet(author="ben", text="@maria @acme same here", in_reply_to=first.id)
    conversation = channels.polled(account, str(first.id))
    return conversation, str(first.id), str(follow_up.id)


def send(client, conversation: Conversation, text: str, **fields: object) -> Message:
    """Send as the composer does: with the form's idempotency key and the newest answer it showed."""
    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    key, seen = (
        re.findall(f'name="{name}" value="([^"]*)"', page)[0] for name in ("idempotency_key", "seen_answer_id")
    )
    url = reverse("inbox:reply", args=[conversation.pk])
    response = client.post(url, {"text": text, "idempotency_key": key, "seen_answer_id": seen, **fields})
    assert response.status_code == 201, response.content.decode()
    return Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND).latest("id")


def posted_under(conversation: Conversation) -> list[str]:
    return [answer.answers for answer in channels.brand_answers(conversation)]


def test_the_composer_answers_the_customers_latest_message_not_the_newest_of_the_thread(client, agent, x_thread):
    conversation, _, follow_up = x_thread
    client.force_login(agent)

    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    message = send(client, conversation, "@maria So sorry! A new lid is on its way.")

    assert "Answering María" in page or "Answering maria" in page
    assert "and the lid was broken" in page.split('data-testid="answering"')[1].split("</p>")[0]
    assert message.delivery_status == DeliveryStatus.SENT
    assert posted_under(conversation) == [follow_up]


def test_every_inbound_message_offers_reply_to_this_and_the_reply_goes_to_that_post(client, agent, x_thread):
    conversation, first, _ = x_thread
    client.force_login(agent)
    inbound = list(conversation.messages.filter(direction=Direction.INBOUND))
    chosen = next(m for m in inbound if m.external_id == first)
    page = reverse("inbox:conversation", args=[conversation.pk])

    thread = client.get(page).content.decode()
    composer = client.get(page, {"reply_to": chosen.pk}).content.decode()
    message = send(client, conversation, "@maria Your beans left today.", reply_to=chosen.pk)

    assert thread.count("Reply to this</a>") == len(inbound) >= 2
    for m in inbound:
        assert f"?reply_to={m.pk}#composer-{conversation.pk}" in thread
    assert f'name="reply_to" value="{chosen.pk}"' in composer
    assert "my beans never came" in composer.split('data-testid="answering"')[1].split("</p>")[0]
    assert (message.in_reply_to, message.delivery_status) == (first, DeliveryStatus.SENT)
    assert posted_under(conversation) == [first]


def test_a_message_of_another_conversation_cannot_be_chosen(client, agent, x_thread):
    conversation, _, _ = x_thread
    dora = sandbox.post_mention(brand="acme", text="where is my refund?", author="dora")
    elsewhere = channels.polled(conversation.account, str(dora.id)).messages.get(external_id=str(dora.id))
    client.force_login(agent)

    response = client.post(
        reverse("inbox:reply", args=[conversation.pk]),
        {"text": "hello", "idempotency_key": str(uuid.uuid4()), "reply_to": elsewhere.pk},
    )

    assert response.status_code == 422
    assert "not in this conversation" in response.content.decode()
    assert posted_under(conversation) == []


def test_a_facebook_answer_goes_under_the_customers_top_level_comment(client, agent, deliver_inline):
    account = channels.facebook_account()
    post = sandbox.publish_page_post(page_id=account.external_id, message="Our seasonal blend is out!")
    ona = sandbox.post_comment(on=post.graph_id, message="Mine arrived crushed", author="Ona")
    again = sandbox.post_comment(on=ona.graph_id, message="and the box was open", author="Ona")
    sandbox.post_comment(on=post.graph_id, message="Love it!", author="Jonas")
    conversation = channels.polled(account, ona.graph_id)
    client.force_login(agent)

    message = send(client, conversation, "Sorry, Ona! A new bag is on its way.")

    assert (message.in_reply_to, message.delivery_status) == (again.graph_id, DeliveryStatus.SENT)
    assert posted_under(conversation) == [ona.graph_id]


def test_an_answer_to_a_comment_reply_is_posted_under_its_top_level_comment():
    assert comment_thread_root("5_71", "5_70") == "5_70"  # a reply: under its top-level comment
    assert comment_thread_root("5_70", "1_5") == "5_70"  # a top-level comment: under itself
    assert comment_thread_root("1_5", "") == "1_5"  # a visitor post
