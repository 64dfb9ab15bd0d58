"""In Chromium at 390 px (a phone): the first rows on the first screen, a conversation answered there, and the
SLA dashboard no wider than the screen anywhere (tables and the heatmap scroll inside their own box)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sandbox import services as sandbox
from tests.browser.pages import WAIT_MS, logged_in, wait_live
from tests.browser.test_sla_dashboard import seed
from tests.inbox import sandbox_channels as channels

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "phone.png"
MENTIONS = [
    ("maria", "my order came with the wrong beans, and the receipt says they were decaf. Can you help?"),
    ("jon", "the oat latte was cold again"),
    ("lena", "do you ship to Vilnius?"),
    ("tomas", "is the Kaunas store open on Sunday?"),
]


def page_width(page) -> int:
    """How wide the page's content is: more than the screen means someone must scroll sideways."""
    return int(page.evaluate("() => document.documentElement.scrollWidth"))


def test_on_a_phone_the_queue_starts_on_the_first_screen_and_a_conversation_is_answered(
    asgi_server, deliver_inline, chromium, agent
):
    account = channels.x_account()
    for author, text in MENTIONS:
        channels.polled(account, str(sandbox.post_mention(brand="acme", text=text, author=author).id))
    context, page = logged_in(chromium, asgi_server, "agent", viewport=PHONE, is_mobile=True, has_touch=True)
    wait_live(page)

    first = page.locator("#queue-list .row").first
    box = first.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert page_width(page) <= PHONE["width"]
    # Filters wait behind their button; bulk actions until something is selected.
    assert page.locator("#more-filters select[name=status]").is_hidden()
    assert page.locator("#bulk").is_hidden()
    page.locator("#more-filters summary").click()
    assert page.locator("#more-filters select[name=status]").is_visible()
    assert page_width(page) <= PHONE["width"]
    page.locator("#more-filters summary").click()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # A row opens the conversation's own page (no split view on a phone); it is answered there.
    first.locator(".snippet").click()
    page.wait_for_url("**/inbox/c/*/")
    wait_live(page)
    assert page_width(page) <= PHONE["width"]
    area = page.locator("#composer-slot textarea")
    area.focus()
    # The on-screen keyboard takes about the lower half: the field and its send button stay reachable above it.
    page.set_viewport_size({"width": 390, "height": 450})
    area.fill("So sorry! The right beans ship today.")
    send = page.locator("#composer-slot button.primary")
    send.scroll_into_view_if_needed()
    expect(area).to_be_in_viewport()
    send.click()
    expect(page.locator("#composer-slot .delivery[data-status=sent]")).to_be_visible(timeout=WAIT_MS)
    assert page_width(page) <= PHONE["width"]
    context.close()


def test_on_a_phone_the_dashboard_is_never_wider_than_the_screen(asgi_server, chromium, brand, agent, supervisor):
    seed(brand, agent, supervisor)
    context, page = logged_in(chromium, asgi_server, "supervisor", viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(asgi_server + "/inbox/dashboard/")
    expect(page.locator("[data-figure=received]")).to_be_visible()
    assert page_width(page) <= PHONE["width"]

    # Figures stacked: one column, each as wide as the screen allows.
    lefts = page.locator(".sla-cards .card").evaluate_all("cards => cards.map(c => c.getBoundingClientRect().left)")
    assert len(set(lefts)) == 1, lefts
    # Tables and the heatmap scroll inside their box; the heatmap's squares stay big enough to read.
    for scroller in page.locator(".table-scroll, .chart-scroll").all():
        box = scroller.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    heatmap = page.locator(".chart-scroll").first
    assert heatmap.evaluate("box => box.scrollWidth > box.clientWidth")
    square = page.locator("svg.heatmap rect[data-hour]").first.bounding_box()
    assert square is not None and square["width"] >= 24, square
    context.close()
