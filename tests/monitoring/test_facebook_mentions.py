"""Facebook Page mentions: the Page tagged in someone else's post is heard by polling the `tagged` edge and by
the Page webhook's `mention` field, through facebook-sdk over real HTTP against the sandbox."""

import pytest

from inbox.models import Direction, Message
from monitoring.channel_accounts import add_facebook_account
from monitoring.connectors.base import OutboundReply
from monitoring.connectors.facebook import parse_facebook
from monitoring.connectors.registry import connector_for
from monitoring.models import StreamCursor
from monitoring.services import poll_account
from sandbox import services as sandbox
from sandbox.models import FacebookPage


@pytest.fixture
def page(platforms, live_brand, settings):
    page = sandbox.create_facebook_page(
        name="Acme Coffee", username="acmecoffee", webhook_url=platforms.replace("/sandbox", "/webhooks/facebook/")
    )
    settings.PROMPTLY_FACEBOOK_APP_SECRET = page.app_secret
    return page


@pytest.fixture
def page_account(page):
    return add_facebook_account(brand_slug="acme", page_id=page.page_id, page_token=page.page_token)


def test_a_post_elsewhere_tagging_the_page_is_heard_by_polling_with_its_comments(page, page_account):
    FacebookPage.objects.filter(pk=page.page_id).update(webhook_url="")  # polling alone
    mention = sandbox.tag_page_in_post(page_id=page.page_id, message="@Acme Coffee my beans never came", author="Dana")
    comment = sandbox.post_comment(on=mention.graph_id, message="Same for me", author="Eli")

    reports = {report.stream: report for report in poll_account(page_account.pk)}

    assert reports["tagged"].stored == 2
    heard = Message.objects.select_related("conversation", "author").get(external_id=mention.graph_id)
    assert (heard.direction, heard.text, heard.author.name) == (
        Direction.INBOUND,
        "@Acme Coffee my beans never came",
        "Dana",
    )
    assert heard.conversation.thread_key == mention.graph_id
    assert Message.objects.get(external_id=comment.graph_id).in_reply_to == mention.graph_id
    assert "since" in StreamCursor.objects.get(account=page_account, stream="tagged").position


def test_a_mention_pushed_by_the_webhook_is_stored_once_beside_polling(page, page_account):
    mention = sandbox.tag_page_in_post(page_id=page.page_id, message="@Acme Coffee where is my order?", author="Dana")

    assert Message.objects.filter(account=page_account, external_id=mention.graph_id).count() == 1
    poll_account(page_account.pk)
    assert Message.objects.filter(account=page_account, external_id=mention.graph_id).count() == 1


def test_the_pages_answer_under_a_post_elsewhere_is_found_again_before_a_retry(page, page_account):
    mention = sandbox.tag_page_in_post(page_id=page.page_id, message="@Acme Coffee help", author="Dana")
    connector = connector_for(page_account)
    reply = OutboundReply(
        idempotency_key="m1",
        text="We are on it, Dana.",
        visibility="public",
        thread_key=mention.graph_id,
        in_reply_to=mention.graph_id,
    )

    assert connector.find_sent(reply) == []
    receipt = connector.send(reply)

    assert connector.find_sent(reply) == [receipt]  # never posted twice
    poll_account(page_account.pk)
    assert Message.objects.get(external_id=receipt.external_id).direction == Direction.OUTBOUND


def test_a_mention_change_without_its_words_is_left_to_polling():
    value = {"post_id": "5_6", "sender_id": "7", "sender_name": "Dana", "item": "post", "verb": "add"}
    payload = {"object": "page", "entry": [{"id": "42", "time": 1, "changes": [{"field": "mention", "value": value}]}]}

    result = parse_facebook(payload)["42"]

    assert (result.messages, result.quarantined) == ([], [])
