"""The X connector through tweepy over real HTTP against the sandbox: streams, partial answers, send, faults."""

from datetime import timedelta

import pytest

from inbox.models import Direction, Message, QuarantinedItem, Visibility
from monitoring.channel_accounts import add_x_account
from monitoring.connectors.base import DeliveryRefused, OutboundReply, PlatformUnavailable
from monitoring.connectors.registry import connector_for
from monitoring.models import StreamCursor
from monitoring.queries.services import add_query
from monitoring.services import poll_account
from sandbox import services as sandbox


@pytest.fixture
def brand_x(platforms, live_brand):
    return sandbox.create_x_account(username="acme", name="Acme Coffee")


def connect(credentials, *, user_context: bool = False):
    tokens = {}
    if user_context:
        tokens = {
            "consumer_key": credentials.consumer_key,
            "consumer_secret": credentials.consumer_secret,
            "access_token": credentials.access_token,
            "access_secret": credentials.access_token_secret,
        }
    return add_x_account(
        brand_slug="acme",
        user_id=credentials.user_id,
        handle=credentials.username,
        bearer_token=credentials.bearer_token,
        **tokens,
    )


def reports_by_stream(account):
    return {report.stream: report for report in poll_account(account.pk)}


def test_mentions_are_stored_with_author_thread_and_cursor(brand_x):
    sandbox.x_user(username="maria", name="María", followers_count=5400)
    first = sandbox.post_mention(brand="acme", text="my order came with the wrong beans 😡", author="maria")
    reply = sandbox.post_tweet(author="ben", text="@maria @acme same here", in_reply_to=first.id)
    account = connect(brand_x)

    report = reports_by_stream(account)["mentions"]

    assert (report.fetched, report.stored, report.duplicates, report.quarantined) == (2, 2, 0, 0)
    stored = Message.objects.select_related("author", "conversation").get(external_id=str(first.id))
    assert (stored.author.handle, stored.author.name, stored.author.followers_count) == ("maria", "María", 5400)
    assert stored.url == f"https://x.com/maria/status/{first.id}"
    answer = Message.objects.select_related("conversation").get(external_id=str(reply.id))
    assert answer.in_reply_to == str(first.id)
    # Ben joined Maria's thread: the same place, his own conversation.
    assert answer.conversation.thread_key == stored.conversation.thread_key == str(first.id)
    assert answer.conversation_id != stored.conversation_id
    assert StreamCursor.objects.get(account=account, stream="mentions").position == {"since_id": str(reply.id)}

    again = reports_by_stream(account)["mentions"]
    assert (again.fetched, again.stored) == (0, 0)


def test_errors_beside_data_keep_the_post_that_was_answered(brand_x):
    gone = sandbox.x_user(username="gone", suspended=True)
    original = sandbox.post_tweet(author=gone, text="@acme first")
    kept = sandbox.post_mention(brand="acme", text="agree with this", author="fan", in_reply_to=original.id)
    account = connect(brand_x)

    reports_by_stream(account)

    stored = Message.objects.get(account=account, external_id=str(kept.id))
    assert stored.in_reply_to == str(original.id)


def search_reports(account):
    return [report for report in poll_account(account.pk) if report.stream.startswith("search-")]


def test_without_monitored_queries_search_finds_posts_naming_the_brand_without_tagging_it(brand_x):
    untagged = sandbox.post_tweet(author="ana", text="Acme Coffee delivered the wrong order again")
    sandbox.post_mention(brand="acme", text="Acme Coffee tagged, comes by mentions", author="tom")
    sandbox.post_tweet(author="bob", text="nothing to see")
    account = connect(brand_x)

    [report] = search_reports(account)

    assert report.stored == 1
    assert Message.objects.filter(account=account, external_id=str(untagged.id)).exists()


def test_each_compiled_monitored_query_is_its_own_search_stream(brand_x, live_brand):
    add_query(brand=live_brand, name="wrong orders", query='"wrong order" OR refund', languages=["en"])
    add_query(brand=live_brand, name="cold brew", query="cold AND brew")
    wanted = sandbox.post_tweet(author="ana", text="Still waiting for my refund", lang="en")
    other = sandbox.post_tweet(author="ben", text="cold brew is the best", lang="en")
    sandbox.post_tweet(author="eve", text="Acme Coffee is fine", lang="en")
    account = connect(brand_x)

    reports = search_reports(account)

    assert len(reports) == 2
    assert sorted(r.stored for r in reports) == [1, 1]
    assert set(Message.objects.filter(account=account).values_list("external_id", flat=True)) == {
        str(wanted.id),
        str(other.id),
    }


def test_direct_messages_are_read_and_answered_privately(brand_x):
    sandbox.x_user(username="dora", name="Dora")
    dm = sandbox.send_dm(sender="dora", recipient="acme", text="my card was charged twice")
    account = connect(brand_x, user_context=True)

    report = reports_by_stream(account)["dms"]

    assert report.stored == 1, list(QuarantinedItem.objects.values_list("reason", "raw"))
    stored = Message.objects.select_related("conversation").get(external_id=str(dm.id))
    assert (stored.visibility, stored.conversation.thread_key) == (Visibility.PRIVATE, f"dm:{dm.sender_id}")
    connector = connector_for(account)
    reply = OutboundReply(
        idempotency_key="k1",
        text="Sorry! Refund on its way.",
        visibility="private",
        thread_key=stored.conversation.thread_key,
        in_reply_to=str(dm.id),
        recipient_id=str(dm.sender_id),
    )
    assert connector.find_sent(reply) == []
    receipt = connector.send(reply)
    assert connector.find_sent(reply) == [receipt]
    assert reports_by_stream(account)["dms"].stored == 1  # our own answer, recorded as outbound
    assert Message.objects.get(external_id=receipt.external_id).direction == Direction.OUTBOUND


def test_a_reply_is_posted_in_thread_and_found_again_before_a_retry(brand_x):
    mention = sandbox.post_mention(brand="acme", text="wrong order!", author="ana")
    connector = connector_for(connect(brand_x, user_context=True))
    reply = OutboundReply(
        idempotency_key="k2",
        text="@ana So sorry, we are on it.",
        visibility="public",
        thread_key=str(mention.id),
        in_reply_to=str(mention.id),
    )

    assert connector.find_sent(reply) == []
    receipt = connector.send(reply)

    assert receipt.url == f"https://x.com/acme/status/{receipt.external_id}"
    assert connector.find_sent(reply) == [receipt]


def test_a_reply_x_does_not_allow_is_refused_with_a_plain_reason_and_the_post(brand_x):
    post = sandbox.post_tweet(author="ana", text="acme got my order wrong")
    connector = connector_for(connect(brand_x, user_context=True))
    reply = OutboundReply(
        idempotency_key="k3", text="Sorry!", visibility="public", thread_key=str(post.id), in_reply_to=str(post.id)
    )

    with pytest.raises(DeliveryRefused) as refused:
        connector.send(reply)

    assert "only reply to posts that mention or quote" in refused.value.reason
    assert refused.value.link == f"https://x.com/i/web/status/{post.id}"


def test_a_read_only_account_cannot_send(brand_x):
    connector = connector_for(connect(brand_x))
    reply = OutboundReply(idempotency_key="k4", text="hi", visibility="public", thread_key="1", in_reply_to="1")
    with pytest.raises(DeliveryRefused, match="user-context tokens"):
        connector.send(reply)


def test_429_pauses_the_stream_until_the_reset_without_counting_a_failure(brand_x):
    sandbox.post_mention(brand="acme", text="hello", author="ana")
    account = connect(brand_x)
    sandbox.set_faults(rate_429=1.0, reset_seconds=30)

    report = reports_by_stream(account)["mentions"]

    cursor = StreamCursor.objects.get(account=account, stream="mentions")
    assert cursor.consecutive_failures == 0
    assert cursor.paused_until == report.paused_until
    assert timedelta(seconds=28) <= cursor.paused_until - cursor.updated_at <= timedelta(seconds=31)
    assert reports_by_stream(account)["mentions"].fetched == 0  # paused: not asked again


def test_500s_back_off_exponentially_and_success_clears_the_failures(brand_x):
    sandbox.post_mention(brand="acme", text="hello", author="ana")
    account = connect(brand_x)
    sandbox.set_faults(rate_500=1.0)

    for expected in (1, 2):
        StreamCursor.objects.filter(account=account).update(paused_until=None)
        reports_by_stream(account)
        cursor = StreamCursor.objects.get(account=account, stream="mentions")
        assert cursor.consecutive_failures == expected
        assert "500" in cursor.last_error
    assert timedelta(seconds=3) <= cursor.paused_until - cursor.updated_at <= timedelta(seconds=4)  # 2 s, then 4 s

    sandbox.set_faults()
    StreamCursor.objects.filter(account=account).update(paused_until=None)
    assert reports_by_stream(account)["mentions"].stored == 1
    cursor.refresh_from_db()
    assert (cursor.consecutive_failures, cursor.paused_until, cursor.last_error) == (0, None, "")


def test_a_timeout_is_a_passing_fault(brand_x, settings):
    settings.PROMPTLY_HTTP_TIMEOUT_SECONDS = 1.5
    account = connect(brand_x)
    sandbox.set_faults(rate_timeout=1.0, slow_seconds=3)  # twice the timeout
    connector = connector_for(account)
    with pytest.raises(PlatformUnavailable, match="could not be reached"):
        connector.fetch("mentions", {})
