"""In Chromium: an admin edits a monitored query, watches the preview count change, and gets an in-app
alert when the sandbox posts a matching negative mention, brought in by the X connector's real poll
(tweepy over HTTP against the sandbox).
"""

import pytest

from inbox.models import Sentiment
from monitoring.alerts.models import AlertRule
from monitoring.channel_accounts import add_x_account
from monitoring.queries.services import add_query
from monitoring.services import poll_account
from sandbox import services as sandbox
from tests.browser.pages import logged_in

pytestmark = [pytest.mark.browser]


def test_admin_edits_query_sees_preview_change_and_gets_alert(brand, admin_user, asgi_server, platforms, chromium):
    credentials = sandbox.create_x_account(username="acmecoffee")
    account = add_x_account(
        brand_slug=brand.slug,
        user_id=credentials.user_id,
        handle=credentials.username,
        bearer_token=credentials.bearer_token,
    )
    sandbox.post_mention(brand="acmecoffee", text="Is the shop open on Sunday?", author="ana")
    sandbox.post_mention(brand="acmecoffee", text="Payment outage, terrible! Card declined twice", author="ben")
    sandbox.post_mention(brand="acmecoffee", text="Another outage today, this is awful", author="carla")
    poll_account(account.pk)
    query = add_query(brand=brand, name="Trouble", query="refund")
    rule = AlertRule.objects.create(brand=brand, name="Angry customers", negative_sentiment=True, notify_in_app=True)
    rule.queries.add(query)

    context, page = logged_in(chromium, asgi_server, admin_user.username)

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
    poll_account(account.pk)

    toast = page.locator(".toast-alert")
    toast.wait_for(timeout=10_000)
    assert "Angry customers" in toast.inner_text()
    assert "<b>worst</b>" in toast.inner_text()  # shown as text, never as markup
    assert page.locator(".toast-alert b").count() == 0
    assert Sentiment.NEGATIVE in set(account.messages.values_list("sentiment", flat=True))
    context.close()
