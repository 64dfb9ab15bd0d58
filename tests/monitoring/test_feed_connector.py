"""Alert feeds through feedparser over real HTTP against the sandbox's Google-Alerts-style Atom feed."""

import pytest

from inbox.models import Message
from monitoring.channel_accounts import add_feed_account
from monitoring.connectors.base import DeliveryRefused, OutboundReply, PlatformUnavailable
from monitoring.connectors.registry import connector_for
from monitoring.services import poll_account
from sandbox import services as sandbox


@pytest.fixture
def feed_account(platforms, live_brand):
    sandbox.create_feed(slug="acme-alerts", term="Acme")
    return add_feed_account(brand_slug="acme", url=f"{platforms}/feeds/acme-alerts.xml")


def test_alerts_are_stored_with_the_real_article_url_and_no_html(feed_account):
    entry = sandbox.publish_feed_entry(
        feed="acme-alerts",
        title="Acme recalls cold brew",
        summary="Customers of Acme Coffee report sour cans & leaks <script>alert(1)</script>",
        article_url="https://news.example.com/acme-recall",
    )
    sandbox.publish_feed_entry(
        feed="acme-alerts", title="Acme opens in Kaunas", summary="", article_url="https://lt.example.com/a"
    )

    report = poll_account(feed_account.pk)[0]

    assert (report.stream, report.stored, report.quarantined) == ("feed", 2, 0)
    stored = Message.objects.select_related("conversation").get(url="https://news.example.com/acme-recall")
    assert stored.external_id == f"tag:google.com,2013:googlealerts/feed:{entry.pk}"
    assert stored.conversation.thread_key == stored.external_id  # every article its own conversation
    # The feed bolds its term in HTML: the markup is gone, the customer's own characters are kept as text
    # (and escaped wherever they are shown).
    assert "<b>" not in stored.text
    assert (
        stored.text
        == "Acme recalls cold brew\n\nCustomers of Acme Coffee report sour cans & leaks <script>alert(1)</script>"
    )
    assert Message.objects.values("conversation").distinct().count() == 2

    again = poll_account(feed_account.pk)[0]
    assert (again.stored, again.duplicates) == (0, 2)


def test_a_feed_article_cannot_be_answered_from_the_inbox(feed_account):
    reply = OutboundReply(
        idempotency_key="n1",
        text="Thanks",
        visibility="public",
        thread_key="t",
        in_reply_to="https://news.example.com/x",
    )
    with pytest.raises(DeliveryRefused, match="add a note") as refused:
        connector_for(feed_account).send(reply)
    assert refused.value.link == "https://news.example.com/x"


def test_a_failing_feed_is_a_passing_fault_with_its_retry_after(feed_account):
    sandbox.set_faults(rate_429=1.0, reset_seconds=30)
    with pytest.raises(PlatformUnavailable) as fault:
        connector_for(feed_account).fetch("feed", {})
    assert fault.value.retry_after is not None
    sandbox.set_faults(rate_500=1.0)
    with pytest.raises(PlatformUnavailable, match="500"):
        connector_for(feed_account).fetch("feed", {})
