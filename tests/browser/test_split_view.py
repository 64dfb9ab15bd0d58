"""In Chromium at 1280 px: the split view. A conversation opens beside the queue, is answered there, j/k open the
next and previous ones, and the address follows, so back, forward and a copied link show the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.models import Conversation
from sandbox import services as sandbox
from tests.browser.pages import WAIT_MS, logged_in, wait_live
from tests.inbox import sandbox_channels as channels

pytestmark = pytest.mark.browser
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "split-view.png"
MENTIONS = [
    ("maria", "my order came with the wrong beans"),
    ("jon", "the oat latte was cold again"),
    ("lena", "do you ship to Vilnius?"),
]
CURRENT = re.compile(r"\bcurrent\b")


def open_in_pane(page, conversation_id: int) -> None:
    expect(page.locator(f"#open-pane #conversation[data-conversation-id='{conversation_id}']")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(page).to_have_url(f"{page.url.split('?')[0]}?c={conversation_id}")
    expect(page.locator(f"#conv-{conversation_id}")).to_have_class(CURRENT, timeout=WAIT_MS)


def test_split_view_opens_answers_moves_and_follows_the_history(asgi_server, deliver_inline, chromium, agent):
    account = channels.x_account()
    for author, text in MENTIONS:
        channels.polled(account, str(sandbox.post_mention(brand="acme", text=text, author=author).id))
    context, page = logged_in(chromium, asgi_server, "agent", viewport={"width": 1280, "height": 860})
    wait_live(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    order = page.locator("#queue-list .row").evaluate_all("rows => rows.map(row => Number(row.dataset.id))")
    assert len(order) == 3
    first, second, third = order

    # Open: a click on the row shows the conversation beside the list, which stays.
    page.locator(f"#conv-{first} .snippet").click()
    open_in_pane(page, first)
    assert page.locator("#queue-list .row").count() == 3
    assert page.locator("#queue-pane").is_visible()

    # Reply: from the pane, to the customer's thread on the platform.
    pane = page.locator("#open-pane")
    pane.locator("#composer-slot textarea").fill("So sorry! The right beans ship today.")
    pane.locator("#composer-slot button.primary").click()
    expect(pane.locator("#composer-slot .delivery[data-status=sent]")).to_be_visible(timeout=30_000)
    conversation = Conversation.objects.get(pk=first)
    assert len(channels.brand_answers(conversation)) == 1
    expect(pane.locator("#thread .message.out")).to_have_count(1, timeout=WAIT_MS)

    # j and k: the next and the previous conversation open in place. Answered, the first one moved down
    # the most-urgent-first queue: the others are now above it.
    expect(page.locator("#queue-list .row").last).to_have_id(f"conv-{first}", timeout=WAIT_MS)
    assert page.locator("#bulk").is_hidden()
    page.locator("body").press("k")
    open_in_pane(page, third)
    page.keyboard.press("k")
    open_in_pane(page, second)
    page.keyboard.press("j")
    open_in_pane(page, third)

    # Back and forward walk the same conversations again, in the same document.
    page.go_back()
    open_in_pane(page, second)
    page.go_back()
    open_in_pane(page, third)
    page.go_back()
    open_in_pane(page, first)
    page.go_forward()
    open_in_pane(page, third)
    assert page.evaluate("window.__sameDocument") is True

    # Enter opens the row under the cursor; Escape closes the pane; the copied address opens it again.
    page.keyboard.press("k")
    open_in_pane(page, second)
    link = page.url
    page.keyboard.press("Escape")
    expect(page.locator("#open-pane #conversation")).to_have_count(0)
    page.keyboard.press("Enter")
    open_in_pane(page, second)
    other = context.new_page()
    other.goto(link)
    expect(other.locator(f"#open-pane #conversation[data-conversation-id='{second}']")).to_be_visible()
    expect(other.locator(f"#conv-{second}")).to_have_class(CURRENT)
    other.close()

    page.locator(f"#conv-{first} .snippet").click()
    open_in_pane(page, first)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    context.close()
