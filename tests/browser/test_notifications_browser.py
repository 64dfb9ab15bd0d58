"""In Chromium: a conversation assigned by a colleague shows on the agent's open page as a notice linking to it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from inbox.services import workflow
from tests.browser.pages import WAIT_MS, logged_in
from tests.conftest import PASSWORD
from tests.inbox.factories import AuthorFactory, conversation_with_message

pytestmark = pytest.mark.browser


def test_an_assignment_by_a_colleague_shows_a_notice_that_opens_the_conversation(asgi_server, chromium, brand, agent):
    colleague = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=colleague)
    conversation = conversation_with_message(brand, author=AuthorFactory(name="<img src=x onerror=alert(1)>"))
    context, page = logged_in(chromium, asgi_server, "agent", viewport={"width": 1280, "height": 800})
    expect(page.locator("#alert-toasts")).to_have_attribute("data-connected", "true", timeout=WAIT_MS)

    workflow.do_assign(actor=colleague, conversation_id=conversation.pk, assignee=agent)

    notice = page.locator(".toast[data-kind=notice]")
    expect(notice).to_contain_text("Assigned to you", timeout=WAIT_MS)
    expect(notice).to_contain_text("<img src=x onerror=alert(1)>")  # shown as text
    assert notice.locator("img").count() == 0
    notice.get_by_role("link").click()
    expect(page.locator(f"#open-pane #conversation[data-conversation-id='{conversation.pk}']")).to_be_visible()
    context.close()
