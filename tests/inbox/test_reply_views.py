"""The composer's endpoints: send, count, confirm, follow delivery and retry, for the right people only."""

import uuid

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import DeliveryStatus, Direction, Message, Visibility
from monitoring.models import Platform
from responses.services import add_saved_reply
from tests.conftest import PASSWORD
from tests.inbox.threads import account, conversation


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def post_reply(client, conv, text="Thanks, Jane!", **extra):
    data = {"text": text, "idempotency_key": str(uuid.uuid4()), "seen_answer_id": "0"} | extra
    return client.post(reverse("inbox:reply", args=[conv.pk]), data)


def test_composer_offers_saved_replies_filled_in_and_escaped(agent, brand):
    conv = conversation(account(brand, Platform.X))
    conv.author.name = '<img src=x onerror="alert(1)">'
    conv.author.save()
    add_saved_reply(brand=brand, title="Thanks", text="Thanks {author_name} ({handle})!")
    request = RequestFactory().get("/")
    request.user = agent
    html = render_to_string("inbox/_composer.html", {"conversation": conv}, request=request)
    assert "Public reply in @jane&#x27;s thread on X" in html
    assert 'data-text="Thanks &lt;img src=x onerror=&quot;alert(1)&quot;&gt; (@jane)!"' in html
    assert "<img" not in html
    assert 'name="idempotency_key"' in html


def test_sending_queues_one_reply_even_when_posted_twice(agent_client, brand):
    conv = conversation(account(brand))
    data = {"text": "Thanks, Jane!", "idempotency_key": str(uuid.uuid4()), "seen_answer_id": "0"}
    first = agent_client.post(reverse("inbox:reply", args=[conv.pk]), data)
    second = agent_client.post(reverse("inbox:reply", args=[conv.pk]), data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    assert b'data-status="queued"' in first.content
    assert data["idempotency_key"] not in first.content.decode()  # a fresh form for the next reply


@pytest.mark.parametrize("size", [1, 20])
def test_send_path_runs_a_fixed_number_of_queries(agent_client, brand, django_assert_num_queries, size):
    conv = conversation(account(brand))
    for n in range(size):
        add_saved_reply(brand=brand, title=f"Thanks {n}", text="Thanks {author_name}!")
        post_reply(agent_client, conv, text=f"Earlier reply {n}")
    # Session, user with its role groups, conversation; the send's lock (a savepoint), held-reply and reply key
    # lookups, the brand's reply rules; the brand check, newest answer, the crisis incidents of the conversation,
    # the answered message, insert; for the fresh form: the crisis incidents, the message the next reply
    # answers, default language, saved replies and offers. The role is read once, with the user.
    with django_assert_num_queries(20):
        assert post_reply(agent_client, conv, seen_answer_id=str(10**9)).status_code == 201


def test_public_to_private_asks_first_then_sends_privately(agent_client, brand):
    conv = conversation(account(brand))
    key = str(uuid.uuid4())
    asked = post_reply(agent_client, conv, private="1", idempotency_key=key)
    assert asked.status_code == 409
    assert "looks like hiding a public complaint" in asked.content.decode()
    assert "Send privately anyway" in asked.content.decode()
    sent = post_reply(agent_client, conv, private="1", confirm_private="1", idempotency_key=key)
    assert sent.status_code == 201
    assert Message.objects.get(direction=Direction.OUTBOUND).visibility == Visibility.PRIVATE


def test_over_long_reply_is_refused_with_the_count_and_keeps_the_text(agent_client, brand):
    conv = conversation(account(brand))
    response = post_reply(agent_client, conv, text="a" * 300)
    assert response.status_code == 422
    assert "20 characters over the limit of 280" in response.content.decode()
    assert "a" * 300 in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_count_endpoint_counts_like_the_server_refuses(agent_client, brand):
    conv = conversation(account(brand))
    url = reverse("inbox:reply-count", args=[conv.pk])
    assert (
        "257 of 280 characters left."
        in agent_client.post(url, {"text": "https://example.com/long/path"}).content.decode()
    )
    assert "over the limit of 280" in agent_client.post(url, {"text": "日" * 141}).content.decode()
    # Ticking "private" switches to the private limit.
    assert "9,985 of 10,000" in agent_client.post(url, {"text": "a" * 15, "private": "1"}).content.decode()


def test_delivery_fragment_and_retry(agent_client, agent, brand):
    conv = conversation(account(brand))
    post_reply(agent_client, conv)
    message = Message.objects.get(direction=Direction.OUTBOUND)
    fragment = agent_client.get(reverse("inbox:reply-delivery", args=[message.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    Message.objects.filter(pk=message.pk).update(
        delivery_status=DeliveryStatus.FAILED,
        delivery_error="X does not allow replies to this post",
        url="javascript:alert(1)",
    )
    failed = agent_client.get(reverse("inbox:reply-delivery", args=[message.pk])).content.decode()
    assert "X does not allow replies to this post" in failed
    assert "javascript:" not in failed
    assert "every 1s" not in failed
    retried = agent_client.post(reverse("inbox:reply-retry", args=[message.pk]))
    assert retried.status_code == 200
    assert Message.objects.get(pk=message.pk).delivery_status == DeliveryStatus.QUEUED


def test_feed_article_composer_saves_a_note(agent_client, brand):
    conv = conversation(account(brand, Platform.FEED))
    response = post_reply(agent_client, conv, text="PR is on it")
    assert response.status_code == 201
    assert Message.objects.get(direction=Direction.OUTBOUND).delivery_status == DeliveryStatus.NOTE
    assert "Answer where it was published" in response.content.decode()


def test_other_brands_conversations_do_not_exist_for_you(client, brand):
    other = add_brand(slug="globex", name="Globex")
    outsider = create_user(username="outsider", password=PASSWORD, role=Role.AGENT)
    add_member(brand=other, user=outsider)
    client.force_login(outsider)
    conv = conversation(account(brand))
    assert post_reply(client, conv).status_code == 404
    assert client.post(reverse("inbox:reply-count", args=[conv.pk]), {"text": "x"}).status_code == 404
    mine = create_user(username="mine", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=mine)
    client.force_login(mine)
    post_reply(client, conv)
    message = Message.objects.get(direction=Direction.OUTBOUND)
    client.force_login(outsider)
    assert client.get(reverse("inbox:reply-delivery", args=[message.pk])).status_code == 404
    assert client.post(reverse("inbox:reply-retry", args=[message.pk])).status_code == 404


def test_anonymous_goes_to_login_and_roleless_gets_403(client, brand):
    conv = conversation(account(brand))
    assert post_reply(client, conv).status_code == 302
    roleless = create_user(username="roleless", password=PASSWORD, role=Role.AGENT)
    roleless.groups.clear()
    add_member(brand=brand, user=roleless)
    client.force_login(roleless)
    assert post_reply(client, conv).status_code == 403
