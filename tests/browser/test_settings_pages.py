"""In Chromium: an admin invites a person as an agent of one brand, connects a sandbox X account and tests
the connection, paints business hours in the week grid; the new agent sets a password through the one-time
link and sees only that brand's queue."""

import pytest

from brands.services import add_brand
from inbox.sla.models import SlaPolicy
from sandbox import services as sandbox
from tests.browser.pages import WAIT_MS, logged_in
from tests.inbox.factories import conversation_with_message

pytestmark = [pytest.mark.browser]

NEW_PASSWORD = "a-brand-new-passphrase-42"


def invite_agent(page, base_url: str) -> str:
    page.goto(f"{base_url}/settings/people/")
    page.fill("#id_username", "nina")
    page.fill("#id_email", "nina@example.com")
    page.select_option("#id_role", "agent")
    page.check("label:has-text('Acme Coffee') input[type=checkbox]")
    page.click("#invite-form button[type=submit]")
    return page.locator("[data-testid=set-password-link]").inner_text(timeout=WAIT_MS)


def connect_x(page, base_url: str, credentials) -> None:
    page.goto(f"{base_url}/settings/channels/")
    page.select_option("#id_brand", label="Acme Coffee")
    page.select_option("#id_platform", "x")
    page.fill("#id_user_id", credentials.user_id)
    page.fill("#id_handle", credentials.username)
    page.fill("#id_bearer_token", credentials.bearer_token)
    page.fill("#id_consumer_key", credentials.consumer_key)
    page.fill("#id_consumer_secret", credentials.consumer_secret)
    page.fill("#id_access_token", credentials.access_token)
    page.fill("#id_access_secret", credentials.access_token_secret)
    page.click("#connect-form button[type=submit]")
    page.click("button:has-text('Test connection')")


def paint_monday_nine_to_five(page, base_url: str) -> None:
    page.goto(f"{base_url}/settings/brands/acme/")
    page.locator("[data-testid=week-grid]").scroll_into_view_if_needed()
    first = page.locator("input[aria-label='Monday 09:00']").bounding_box()
    last = page.locator("input[aria-label='Monday 16:00']").bounding_box()
    y = first["y"] + first["height"] / 2
    page.mouse.move(first["x"] + first["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] / 2, y, steps=30)  # across every cell between, as a hand drags
    page.mouse.up()
    page.click("#brand-form button[type=submit]")
    page.wait_for_selector(".messages")


def test_admin_sets_up_a_person_a_channel_and_hours_and_the_agent_sees_only_that_brand(
    brand, admin_user, asgi_server, platforms, chromium
):
    other = add_brand(slug="other", name="Other Brand")
    admin_user.brands.add(other)
    conversation_with_message(brand, text="Acme latte was cold")
    conversation_with_message(other, text="Other brand parcel missing")
    credentials = sandbox.create_x_account(username="acmecoffee")

    context, page = logged_in(chromium, asgi_server, admin_user.username)
    link = invite_agent(page, asgi_server)
    connect_x(page, asgi_server, credentials)
    results = page.locator("[data-testid=connection-test] li")
    results.first.wait_for(timeout=WAIT_MS)
    assert results.evaluate_all("items => items.map(item => item.dataset.works)") == ["yes", "yes", "yes"]
    assert "Read mentions" in results.first.inner_text()
    assert credentials.bearer_token not in page.content()
    paint_monday_nine_to_five(page, asgi_server)
    context.close()

    policy = SlaPolicy.objects.get(brand=brand, platform="", priority=None)
    assert policy.shifts == [[0, 9 * 60, 17 * 60]]

    newcomer = chromium.new_context()
    agent_page = newcomer.new_page()
    agent_page.goto(link)
    agent_page.fill("#id_new_password1", NEW_PASSWORD)
    agent_page.fill("#id_new_password2", NEW_PASSWORD)
    agent_page.click("button[type=submit]")
    agent_page.wait_for_url(f"{asgi_server}/inbox/")
    queue = agent_page.locator("main").inner_text()
    assert "Acme latte was cold" in queue
    assert "Other brand parcel missing" not in queue
    assert "Settings" not in agent_page.locator("nav[aria-label=Main]").inner_text()
    newcomer.close()
