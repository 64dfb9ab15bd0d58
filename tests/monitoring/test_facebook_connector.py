"""The Facebook connector through facebook-sdk over real HTTP against the sandbox Graph API and its Page webhooks."""

import json
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from inbox.models import Direction, Message, QuarantinedItem, Visibility
from monitoring.channel_accounts import add_facebook_account
from monitoring.connectors.base import DeliveryRefused, OutboundReply, PlatformUnavailable
from monitoring.connectors.facebook import OLDER_POST_PAGES_PER_POLL, OLDER_POSTS, RECENT_POSTS
from monitoring.connectors.registry import connector_for
from monitoring.models import StreamCursor
from monitoring.services import poll_account
from sandbox import services as sandbox
from sandbox.faults import RequestFaults
from sandbox.webhooks import comment_event, signature


@pytest.fixture
def page(platforms, live_brand):
    return sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")


@pytest.fixture
def page_account(page):
    return add_facebook_account(brand_slug="acme", page_id=page.page_id, page_token=page.page_token)


def by_stream(account):
    return {report.stream: report for report in poll_account(account.pk)}


def test_page_posts_comments_and_replies_thread_post_comment_reply(page, page_account):
    post = sandbox.publish_page_post(page_id=page.page_id, message="New seasonal blend is out!")
    comment = sandbox.post_comment(on=post.graph_id, message="Mine arrived crushed", author="Ona")
    reply = sandbox.post_comment(on=comment.graph_id, message="Same here", author="Jonas")
    hidden = sandbox.post_comment(on=post.graph_id, message="who am I?", author="Shy", hide_author=True)

    report = by_stream(page_account)["posts"]

    assert (report.stored, report.quarantined) == (4, 0)
    own = Message.objects.get(external_id=post.graph_id)
    assert own.direction == Direction.OUTBOUND  # the Page's own post
    first = Message.objects.select_related("conversation", "author").get(external_id=comment.graph_id)
    second = Message.objects.select_related("conversation").get(external_id=reply.graph_id)
    assert first.conversation.thread_key == second.conversation.thread_key == post.graph_id
    assert (first.in_reply_to, second.in_reply_to) == (post.graph_id, comment.graph_id)
    assert first.author.name == "Ona"
    assert Message.objects.get(external_id=hidden.graph_id).author is None  # no `from`: unknown author
    assert "since" in StreamCursor.objects.get(account=page_account, stream="posts").position


def test_visitor_posts_and_messenger_conversations_are_read(page, page_account):
    visitor = sandbox.publish_page_post(page_id=page.page_id, message="Is the Vilnius shop open?", author="Rasa")
    message = sandbox.send_page_message(page_id=page.page_id, user="Ana", text="Where is my refund?")

    reports = by_stream(page_account)

    assert reports["visitor_posts"].stored == 1
    assert Message.objects.get(external_id=visitor.graph_id).direction == Direction.INBOUND
    assert reports["conversations"].stored == 1
    dm = Message.objects.select_related("conversation").get(text="Where is my refund?")
    assert (dm.visibility, dm.conversation.thread_key) == (
        Visibility.PRIVATE,
        f"dm:{message.conversation.user_id}",
    )


def test_a_comment_reply_is_posted_and_reconciled(page, page_account):
    post = sandbox.publish_page_post(page_id=page.page_id, message="Hello")
    comment = sandbox.post_comment(on=post.graph_id, message="Broken lid", author="Ona")
    connector = connector_for(page_account)
    reply = OutboundReply(
        idempotency_key="f1",
        text="Sorry, Ona! A new lid is on its way.",
        visibility="public",
        thread_key=post.graph_id,
        in_reply_to=comment.graph_id,
    )

    assert connector.find_sent(reply) == []
    receipt = connector.send(reply)

    assert connector.find_sent(reply) == [receipt]


def test_a_messenger_answer_goes_through_the_send_api_and_is_reconciled(page, page_account):
    message = sandbox.send_page_message(page_id=page.page_id, user="Ana", text="refund?")
    connector = connector_for(page_account)
    customer = str(message.conversation.user_id)
    reply = OutboundReply(
        idempotency_key="f2",
        text="Refunded today.",
        visibility="private",
        thread_key=f"dm:{customer}",
        in_reply_to=f"m_{message.pk}",
        recipient_id=customer,
    )

    assert connector.find_sent(reply) == []
    receipt = connector.send(reply)

    assert receipt.external_id.startswith("m_")
    assert connector.find_sent(reply) == [receipt]


def test_messenger_outside_the_24_hour_window_is_refused_in_plain_words(page, page_account):
    old = sandbox.send_page_message(
        page_id=page.page_id, user="Old", text="hi", created_time=timezone.now() - timedelta(days=2)
    )
    customer = str(old.conversation.user_id)
    reply = OutboundReply(
        idempotency_key="f3",
        text="Sorry for the wait",
        visibility="private",
        thread_key=f"dm:{customer}",
        in_reply_to="m_1",
        recipient_id=customer,
    )
    with pytest.raises(DeliveryRefused, match="within 24 hours"):
        connector_for(page_account).send(reply)


@pytest.mark.parametrize("seed", [1, 2])
def test_graph_500s_json_or_html_are_passing_faults(page, page_account, seed):
    sandbox.set_faults(rate_500=1.0, seed=seed)
    with pytest.raises(PlatformUnavailable):
        connector_for(page_account).fetch("posts", {})


def test_a_page_rate_limit_pauses_until_access_is_regained(page, page_account):
    sandbox.set_faults(rate_429=1.0, reset_seconds=120)
    with pytest.raises(PlatformUnavailable) as fault:
        connector_for(page_account).fetch("posts", {})
    assert fault.value.retry_after is not None
    assert timedelta(seconds=100) < fault.value.retry_after - timezone.now() <= timedelta(minutes=2)


def test_a_comment_pushed_by_the_page_webhook_is_stored_once_beside_polling(platforms, live_brand, settings):
    page = sandbox.create_facebook_page(
        name="Acme Coffee", username="acmecoffee", webhook_url=platforms.replace("/sandbox", "/webhooks/facebook/")
    )
    settings.PROMPTLY_FACEBOOK_APP_SECRET = page.app_secret
    account = add_facebook_account(brand_slug="acme", page_id=page.page_id, page_token=page.page_token)
    post = sandbox.publish_page_post(page_id=page.page_id, message="Hello")

    comment = sandbox.post_comment(on=post.graph_id, message="Pushed to you", author="Ona")

    assert Message.objects.filter(account=account, external_id=comment.graph_id).count() == 1
    by_stream(account)
    assert Message.objects.filter(account=account, external_id=comment.graph_id).count() == 1


def _seed_breaking_only_the_time_of(comment_pk: int, post_pk: int) -> int:
    """A fault seed under which the sandbox serves the comment with a broken time (its id kept), the post intact."""
    for seed in range(1000):
        faults = RequestFaults(seed=seed, rate_malformed=0.5)
        comment = str(comment_pk)
        if faults.is_malformed(comment) and faults.choose(comment, 2) == 1 and not faults.is_malformed(str(post_pk)):
            return seed
    raise AssertionError("no seed breaks only the comment")


def test_a_broken_comment_reached_by_webhook_and_by_polling_is_quarantined_once(platforms, live_brand, settings):
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    settings.PROMPTLY_FACEBOOK_APP_SECRET = page.app_secret
    account = add_facebook_account(brand_slug="acme", page_id=page.page_id, page_token=page.page_token)
    post = sandbox.publish_page_post(page_id=page.page_id, message="Hello")
    comment = sandbox.post_comment(on=post.graph_id, message="Broken", author="Ona")
    while comment.pk == post.pk:  # the sandbox draws faults by table id: the two must differ
        comment = sandbox.post_comment(on=post.graph_id, message="Broken", author="Ona")
    sandbox.set_faults(rate_malformed=0.5, seed=_seed_breaking_only_the_time_of(comment.pk, post.pk))
    event = comment_event(comment)
    event["entry"][0]["changes"][0]["value"]["created_time"] = "2024-13-45T25:61:00+0000"
    body = json.dumps(event).encode()

    pushed = requests.post(
        platforms.replace("/sandbox", "/webhooks/facebook/"),
        data=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, page.app_secret)},
        timeout=10,
    )
    first, second = by_stream(account)["posts"], by_stream(account)["posts"]

    assert pushed.status_code == 200
    assert not Message.objects.filter(external_id=comment.graph_id).exists()
    assert (first.quarantined, first.duplicates, second.quarantined) == (0, 1, 0)
    [kept] = QuarantinedItem.objects.filter(account=account)
    assert (kept.stream, kept.item_key) == ("page_webhook", f"id:{comment.graph_id}")


def test_new_comments_on_posts_below_the_newest_page_are_found_walking_the_older_posts(page, page_account):
    old = sandbox.publish_page_post(
        page_id=page.page_id, message="Autumn menu", created_time=timezone.now() - timedelta(days=30)
    )
    # The old post sits on the third page: the newest page and one older page are read per poll.
    newer = [
        sandbox.publish_page_post(page_id=page.page_id, message=f"Post {n}")
        for n in range(RECENT_POSTS * (1 + OLDER_POST_PAGES_PER_POLL))
    ]
    by_stream(page_account)
    walk = StreamCursor.objects.get(account=page_account, stream="posts").position[OLDER_POSTS]
    assert walk["after"] and not Message.objects.filter(external_id=old.graph_id).exists()

    comment = sandbox.post_comment(on=old.graph_id, message="Is it still on?", author="Ona")
    sandbox.post_comment(on=newer[-1].graph_id, message="First!", author="Jonas")
    report = by_stream(page_account)["posts"]

    stored = Message.objects.select_related("conversation").get(external_id=comment.graph_id)
    assert (stored.conversation.thread_key, stored.in_reply_to) == (old.graph_id, old.graph_id)
    assert report.stored == 2  # the two new comments: a walk is no backfill of last month's posts
    assert not Message.objects.filter(external_id=old.graph_id).exists()
    assert StreamCursor.objects.get(account=page_account, stream="posts").position[OLDER_POSTS]["after"] is None
