"""In Chromium: live rows land where the page's sort and filters put them; reopened and reassigned ones appear."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Conversation, Status
from inbox.selectors import QueueFilters, Sort, queue_page
from inbox.services import workflow
from inbox.services.ingest import ingest_batch
from monitoring.models import Platform
from tests.browser.pages import WAIT_MS, logged_in, wait_live
from tests.inbox.ingest_helpers import batch, make_account, post

pytestmark = pytest.mark.browser


def wait_for_rows(page, ids: list[int]) -> None:
    """Until the queue shows exactly these rows, in this order (polled from here: the page's CSP forbids
    the script Playwright builds for wait_for_function with an argument)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        shown = page.locator("#queue-list .row").evaluate_all("rows => rows.map(row => Number(row.dataset.id))")
        if shown == ids or time.monotonic() > deadline:
            break
        page.wait_for_timeout(100)
    assert shown == ids


def server_order(user, filters: QueueFilters) -> list[int]:
    return [row.pk for row in queue_page(user, filters, now=timezone.now()).rows]


def test_live_rows_take_their_place_in_the_sort_and_rows_the_filter_excludes_stay_away(
    asgi_server, chromium, agent, brand
):
    x, facebook = make_account(brand), make_account(brand, Platform.FACEBOOK, external_id="2000")
    ingest_batch(account=x, stream="mentions", result=batch(*(post(str(n), minutes=n * 10) for n in (1, 2, 3, 4))))
    context, page = logged_in(chromium, asgi_server, "agent")
    page.goto(f"{asgi_server}/inbox/?sort=newest&channel=x")
    wait_live(page)
    filters = QueueFilters(sort=Sort.NEWEST, channel=Platform.X)
    wait_for_rows(page, server_order(agent, filters))

    ingest_batch(account=x, stream="mentions", result=batch(post("25", minutes=25)))  # between 20 and 30
    ingest_batch(account=facebook, stream="page_feed", result=batch(post("fb", minutes=50)))
    ingest_batch(account=x, stream="mentions", result=batch(post("45", minutes=45)))  # the newest

    expected = server_order(agent, filters)
    assert len(expected) == 6 and Conversation.objects.count() == 7
    wait_for_rows(page, expected)
    context.close()


def test_a_reopened_conversation_appears_in_place_and_a_reassigned_one_joins_my_queue(
    asgi_server, chromium, agent, brand
):
    x = make_account(brand)
    ingest_batch(account=x, stream="mentions", result=batch(*(post(str(n), minutes=n * 10) for n in range(1, 6))))
    first, second, *_ = Conversation.objects.order_by("id")
    workflow.do_change_status(actor=agent, conversation_id=second.pk, status=Status.RESOLVED)
    context, page = logged_in(chromium, asgi_server, "agent")
    wait_live(page)
    wait_for_rows(page, server_order(agent, QueueFilters()))
    mine_context, mine = logged_in(chromium, asgi_server, "agent")
    mine.goto(f"{asgi_server}/inbox/?assignee=me&sort=newest")
    wait_live(mine)
    wait_for_rows(mine, [])

    workflow.do_change_status(actor=agent, conversation_id=second.pk, status=Status.OPEN)
    workflow.do_assign(actor=agent, conversation_id=first.pk, assignee=agent)

    reopened = server_order(agent, QueueFilters())
    assert second.pk in reopened
    wait_for_rows(page, reopened)
    wait_for_rows(mine, [first.pk])
    expect(page.locator("[data-count=status_open_work]")).to_have_text(str(len(reopened)), timeout=WAIT_MS)
    context.close()
    mine_context.close()


def test_events_heard_while_rows_load_are_fetched_together_in_one_request_after(asgi_server, chromium, agent, brand):
    """In a storm a page asks for rows once per request it waits on, not once per event."""
    account = make_account(brand)
    context, page = logged_in(chromium, asgi_server, "agent")
    created: list[str] = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: created.append(frame)))
    page.reload()
    wait_live(page)
    held, asked = [], []

    def hold_the_first(route) -> None:
        asked.append(route.request.url)
        if len(asked) == 1:
            held.append(route)
        else:
            route.continue_()

    page.route(lambda url: "/inbox/rows/" in url and "ids=" in url, hold_the_first)
    ids = [ingest_batch(account=account, stream="mentions", result=batch(post("0"))).conversation_ids[0]]
    until(page, lambda: len(asked) == 1)
    for number in range(1, 5):
        ids += ingest_batch(account=account, stream="mentions", result=batch(post(str(number)))).conversation_ids
    until(page, lambda: sum('"conversation.created"' in str(frame) for frame in created) == 5)
    held[0].continue_()
    wait_for_rows(page, server_order(agent, QueueFilters()))
    assert len(asked) == 2
    assert sorted(int(part) for part in asked[1].split("ids=")[1].split(",")) == sorted(ids[1:])
    context.close()


def until(page, condition) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not condition() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert condition()
