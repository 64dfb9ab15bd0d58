"""In Chromium: a person whose browser asks for Spanish gets the queue and a conversation in Spanish, live
strings and dates included; a person's own choice of language wins over the browser's."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from inbox.models import Conversation
from inbox.services.ingest import ingest_batch
from tests.browser.pages import WAIT_MS, logged_in
from tests.inbox.ingest_helpers import batch, make_account, post

pytestmark = pytest.mark.browser

# The interface's main English words; the customer's own text and names are not among them.
ENGLISH = [
    "Inbox",
    "Incidents",
    "Log out",
    "API tokens",
    "Search",
    "Assignee",
    "Anyone",
    "Unassigned",
    "Filter",
    "Clear",
    "Start shift",
    "Bulk action",
    "Apply to selected",
    "selected",
    "Keys:",
    "due in",
    "overdue",
    "unassigned",
    "connecting",
    "live",
    "Reply to this",
    "view on",
    "Send reply",
    "Saved reply",
    "Details",
    "Status",
    "Set status",
    "Assign to me",
    "Tags",
    "Add a tag",
    "Internal notes",
    "Add note",
    "History",
    "Nothing yet",
    "Earlier conversations",
    "Author",
    "followers",
    "Hide",
    "Like",
    "Delete",
]


def english_left(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


def test_a_spanish_browser_gets_the_queue_and_a_conversation_in_spanish(asgi_server, chromium, agent, brand):
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="¿Dónde está mi pedido?")))
    conversation = Conversation.objects.get()
    context, page = logged_in(chromium, asgi_server, "agent", locale="es-ES")

    expect(page.locator("#live-state")).to_have_text("en vivo", timeout=WAIT_MS)
    assert page.locator("html").get_attribute("lang") == "es"
    assert english_left(page.locator("body").inner_text()) == []
    assert page.locator("#queue-search").get_attribute("placeholder") == "Buscar mensajes y autores ( / )"
    expect(page.locator(f"#conv-{conversation.pk} .countdown")).to_contain_text("vence en")

    page.goto(f"{asgi_server}/inbox/c/{conversation.pk}/")
    expect(page.locator("#live-state")).to_have_text("en vivo", timeout=WAIT_MS)
    assert english_left(page.locator("body").inner_text()) == []
    with translation.override("es"):
        month = date_format(conversation.first_inbound_at, "M")
    assert month in page.locator("#thread time").first.inner_text()
    context.close()


def test_a_persons_own_language_wins_over_the_browsers(asgi_server, chromium, agent, brand):
    context, page = logged_in(chromium, asgi_server, "agent", locale="es-ES")
    page.locator(".language-form select").select_option("lt")
    page.locator(".language-form button").click()

    expect(page.locator("h1")).to_have_text("Gautieji", timeout=WAIT_MS)
    agent.refresh_from_db()
    assert agent.language == "lt"
    context.close()
