"""In Chromium: an admin edits a monitored query, watches the preview count change, and gets an in-app
alert when the sandbox posts a matching negative mention.

The step from the sandbox to ingest is `_poll_sandbox`, which normalises the sandbox's posts the way
the X connector does and hands them to inbox ingest; it stands in for the X connector's poll until
that connector is on main.
"""

import pytest

from inbox.models import Sentiment
from inbox.services.ingest import ingest_batch
from monitoring.alerts.models import AlertRule
from monitoring.connectors.base import FetchResult, InboundAuthor, InboundMessage
from monitoring.models import ChannelAccount, Platform
from monitoring.queries.services import add_query
from monitoring.sandbox import services as sandbox
from monitoring.sandbox.models import Tweet
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser]


def _poll_sandbox(account: ChannelAccount) -> None:
    tweets = Tweet.objects.select_related("author").order_by("pk")
    messages = [
        InboundMessage(
            external_id=str(tweet.pk),
            thread_key=str(tweet.root_id or tweet.pk),
            visibility="public",
            text=tweet.text,
            platform_time=tweet.created_at,
            author=InboundAuthor(
                external_id=str(tweet.author_id),
                handle=tweet.author.username,
                followers_count=tweet.author.followers_count,
            ),
            language_hint=tweet.lang,
        )
        for tweet in tweets
    ]
    ingest_batch(account=account, stream="mentions", result=FetchResult(messages=messages))


def test_admin_edits_query_sees_preview_change_and_gets_alert(brand, admin_user, asgi_server, chromium):
    credentials = sandbox.create_x_account(username="acmecoffee")
    account = ChannelAccount.objects.create(
        brand=brand, platform=Platform.X, external_id=credentials.user_id, handle="@acmecoffee"
    )
    sandbox.post_mention(brand="acmecoffee", text="Is the shop open on Sunday?", author="ana")
    sandbox.post_mention(brand="acmecoffee", text="Payment outage, terrible! Card declined twice", author="ben")
    sandbox.post_mention(brand="acmecoffee", text="Another outage today, this is awful", author="carla")
    _poll_sandbox(account)
    query = add_query(brand=brand, name="Trouble", query="refund")
    rule = AlertRule.objects.create(brand=brand, name="Angry customers", negative_sentiment=True, notify_in_app=True)
    rule.queries.add(query)

    context = chromium.new_context()
    page = context.new_page()
    page.goto(asgi_server + "/accounts/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(asgi_server + "/inbox/")

    page.goto(f"{asgi_server}/setup/queries/{query.pk}/")
    count = page.locator("[data-testid=preview-count] strong")
    count.wait_for()
    assert count.inner_text() == "0"
    page.fill("#id_query", "outage OR (card declined)")
    page.wait_for_function("document.querySelector('[data-testid=preview-count] strong').textContent === '2'")
    assert "Card declined twice" in page.locator("#query-preview").inner_text()
    page.fill("#id_query", "outage (")
    page.locator("[data-testid=preview-error]").wait_for()
    assert "Column 8" in page.locator("[data-testid=preview-error]").inner_text()
    page.fill("#id_query", "outage OR (card declined)")
    page.click("#query-form button[type=submit]")
    page.wait_for_url(asgi_server + "/setup/queries/")
    assert "outage OR (card declined)" in page.locator("table").inner_text()

    page.wait_for_selector("#alert-toasts[data-connected=true]", state="attached")
    sandbox.post_mention(brand="acmecoffee", text="Total outage again <b>worst</b> service ever", author="dan")
    _poll_sandbox(account)

    toast = page.locator(".toast-alert")
    toast.wait_for(timeout=10_000)
    assert "Angry customers" in toast.inner_text()
    assert "<b>worst</b>" in toast.inner_text()  # shown as text, never as markup
    assert page.locator(".toast-alert b").count() == 0
    assert Sentiment.NEGATIVE in set(account.messages.values_list("sentiment", flat=True))
    context.close()
