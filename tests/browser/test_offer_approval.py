"""In Chromium: an agent picks a saved reply with "/", attaches an offer beyond their daily limit, a supervisor
edits and approves it, and the public reply and the private code reach the sandbox once each.

Delivery runs in a real Celery worker process on this test's database and broker, through tweepy to the
sandbox served by the same ASGI server as the inbox.
"""

from __future__ import annotations

import time

import pytest

from inbox.models import DeliveryStatus, Direction, Message, Visibility
from responses.models import Redemption, RedemptionStatus
from responses.offers import give_offer
from responses.services import add_saved_reply
from tests.browser.pages import WAIT_MS, logged_in
from tests.inbox import sandbox_channels as channels
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DELIVERY_MS = 45_000


def wait_until(condition, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


def test_an_offer_beyond_the_daily_limit_is_approved_by_a_supervisor_and_reaches_the_customer_once(
    celery_workers, asgi_server, chromium, agent, supervisor, brand
):
    mention = channels.x_mention("the beans I got were stale", author="maria")
    add_saved_reply(brand=brand, title="Stale beans", text="{handle} So sorry about the beans! Check your messages.")
    add_saved_reply(brand=brand, title="Thanks", text="Thanks {author_name}!")
    offer = pooled_offer(brand, "BEANS-1", "BEANS-2", name="Free bag", per_agent_daily=1)
    give_offer(offer_id=offer.pk, agent=agent, conversation=conversation(account(brand)), reply=None, approved=False)
    celery_workers().wait_ready()

    agent_context, page = logged_in(chromium, asgi_server, "agent")
    page.goto(f"{asgi_server}/inbox/c/{mention.pk}/")
    area = page.locator("#composer-slot textarea[name=text]")
    area.click()
    area.press_sequentially("/stale")
    options = page.locator("#composer-slot [data-saved-reply-search] li[role=option]:not([hidden])")
    assert options.count() == 1
    area.press("Enter")
    assert area.input_value() == "@maria So sorry about the beans! Check your messages."
    page.locator("#composer-slot select[name=offer]").select_option(str(offer.pk))
    page.locator("#composer-slot button.primary").click()
    held = page.locator("#composer-slot [data-testid=approval-status][data-status=pending]")
    held.wait_for(timeout=WAIT_MS)
    assert "already gave Free bag 1 times today" in held.inner_text()
    assert not Message.objects.filter(conversation=mention, direction=Direction.OUTBOUND).exists()

    supervisor_context, queue = logged_in(chromium, asgi_server, "supervisor")
    queue.goto(f"{asgi_server}/approvals/")
    card = queue.locator("[data-testid=approval]")
    card.locator("textarea[name=text]").fill("@maria So sorry about the stale beans! A bag is on us; check your DMs.")
    card.locator("button[value=approve]").click()
    queue.locator("[data-testid=no-approvals]").wait_for(timeout=WAIT_MS)

    page.locator("#composer-slot [data-status=approved] .delivery[data-status=sent]").wait_for(timeout=DELIVERY_MS)
    public, private = Message.objects.filter(conversation=mention, direction=Direction.OUTBOUND).order_by("id")
    wait_until(lambda: Message.objects.get(pk=private.pk).delivery_status == DeliveryStatus.SENT)
    public.refresh_from_db()
    private.refresh_from_db()
    assert public.text == "@maria So sorry about the stale beans! A bag is on us; check your DMs."
    assert (private.visibility, private.text) == (Visibility.PRIVATE, "Here is your code: BEANS-2")
    [posted] = channels.brand_answers(mention, private=False)
    [direct] = channels.brand_answers(mention, private=True)
    assert (posted.external_id, direct.external_id) == (public.external_id, private.external_id)
    redemption = Redemption.objects.get(conversation=mention)
    assert (redemption.code_text, redemption.agent, redemption.status) == ("BEANS-2", agent, RedemptionStatus.GIVEN)
    assert (redemption.reply, redemption.code_message) == (public, private)
    agent_context.close()
    supervisor_context.close()
