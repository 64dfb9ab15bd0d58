"""In Chromium: a supervisor opens the SLA dashboard on seeded data; the figures shown are the API's."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from inbox.models import Conversation
from inbox.sla.services import set_policy
from monitoring.models import Platform
from tests.browser.pages import logged_in
from tests.inbox.sla.helpers import channel, conversation, customer_writes, reply

pytestmark = pytest.mark.browser
SUBJECTS = ["Where is my order?", "Cold latte again", "Love the new cups!", "Refund please", "Store hours today?"]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "dashboard.png"


def seed(brand, agent, supervisor) -> None:
    set_policy(
        brand=brand, first_response_minutes=60, hours=["mon-fri 07:00-19:00", "sat-sun 09:00-15:00"], holidays=[]
    )
    accounts = [channel(brand, Platform.X, "acmecoffee"), channel(brand, Platform.FACEBOOK, "Acme Coffee")]
    rng = random.Random(7)
    now = timezone.now()
    for _ in range(160):
        received = now - timedelta(minutes=rng.randrange(10, 28 * 24 * 60))
        convo = conversation(rng.choice(accounts), received=received, delay=timedelta(seconds=rng.randrange(5, 400)))
        Conversation.objects.filter(pk=convo.pk).update(subject=rng.choice(SUBJECTS))
        answer = received + timedelta(minutes=rng.choice([4, 12, 25, 40, 55, 90, 180, 600]))
        if answer < now and rng.random() < 0.9:
            reply(convo, at=answer, by=rng.choice([agent, supervisor]))
            if rng.random() < 0.2 and answer + timedelta(hours=1) < now:
                customer_writes(convo, received=answer + timedelta(hours=1))


def test_supervisor_sees_the_api_figures_and_charts(asgi_server, chromium, brand, agent, supervisor):
    seed(brand, agent, supervisor)
    context, page = logged_in(chromium, asgi_server, "supervisor", viewport={"width": 1280, "height": 900})
    page.goto(asgi_server + "/inbox/dashboard/")
    assert page.locator("h1").inner_text() == "SLA dashboard"
    api = page.request.get(asgi_server + "/api/v1/sla/summary").json()["summary"]
    shown = {
        name: page.locator(f"[data-figure={name}]").inner_text()
        for name in ("received", "answered", "breaches", "acknowledged")
    }
    assert shown == {name: str(api[name]) for name in shown}
    share = page.locator("[data-figure=within_target_share]").inner_text()
    assert share == f"{api['within_target_share'] * 100:.1f}%"
    assert page.locator("svg.heatmap rect").count() > 10
    assert page.locator("#check-ins tbody tr").count() == 3
    assert page.locator("#channels tbody tr").count() == 2
    # The figures refresh in place (htmx) without losing the page.
    with page.expect_response(lambda response: "/inbox/dashboard/" in response.url, timeout=40_000):
        pass
    assert page.locator("[data-figure=received]").inner_text() == str(api["received"])
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    context.close()
