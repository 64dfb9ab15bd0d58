"""In Chromium: replying from the inbox reaches the customer's thread on the sandbox, live status, private switch.

Delivery runs in a real Celery worker process (solo pool) on this test's database and Redis broker; it
posts through tweepy to the sandbox served by the same ASGI server as the inbox. Nothing runs eagerly.
"""

from __future__ import annotations

import time

import pytest

from inbox.models import DeliveryStatus, Direction, Message, Visibility
from responses.services import add_saved_reply
from sandbox import services as sandbox
from tests.browser.pages import WAIT_MS, logged_in, wait_live
from tests.inbox import sandbox_channels as channels

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A worker process may take a while to start on a busy machine; it is started before the page is opened.
DELIVERY_MS = 45_000


def open_conversation(chromium, asgi_server: str, conversation):
    context, page = logged_in(chromium, asgi_server, "agent")
    page.goto(f"{asgi_server}/inbox/c/{conversation.pk}/")
    # Marks this document (still there after sending: nothing reloaded the page) and records every delivery
    # status the composer shows, in order.
    page.evaluate(RECORD_STATUSES)
    return context, page


RECORD_STATUSES = """() => {
    window.__sameDocument = true;
    window.__statuses = [];
    new MutationObserver(() => {
        const shown = document.querySelector('#composer-slot .delivery');
        const last = window.__statuses[window.__statuses.length - 1];
        if (shown && shown.dataset.status !== last) window.__statuses.push(shown.dataset.status);
    }).observe(document.getElementById('composer-slot'), {subtree: true, childList: true, attributes: true});
}"""


def statuses_shown(page) -> list[str]:
    assert page.evaluate("window.__sameDocument") is True
    return page.evaluate("window.__statuses")


def send(page, text: str) -> None:
    page.locator("#composer-slot textarea").fill(text)
    page.locator("#composer-slot button.primary").click()


def test_a_reply_sent_from_the_inbox_shows_in_the_customers_thread_and_turns_sent_live(
    celery_workers, asgi_server, chromium, agent
):
    conversation = channels.x_mention("my order came with the wrong beans", author="maria")
    mention = conversation.messages.get(direction=Direction.INBOUND)
    celery_workers().wait_ready()
    context, page = open_conversation(chromium, asgi_server, conversation)

    send(page, "@maria So sorry! The right beans ship today.")

    page.locator("#composer-slot .delivery[data-status=sent]").wait_for(timeout=DELIVERY_MS)
    shown = statuses_shown(page)
    assert (shown[0], shown[-1]) == ("queued", "sent"), shown
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert reply.delivery_status == DeliveryStatus.SENT
    link = page.locator("#composer-slot .delivery a")
    assert link.get_attribute("href") == f"https://x.com/acme/status/{reply.external_id}"

    customer_view = context.new_page()
    customer_view.goto(f"{asgi_server}/sandbox/x/maria/status/{mention.external_id}")
    answer = customer_view.locator(f"article.brand[data-tweet-id='{reply.external_id}']")
    assert "The right beans ship today." in answer.inner_text()
    assert "Replying to @maria" in answer.inner_text()
    thread = customer_view.locator("article").evaluate_all("items => items.map(i => i.dataset.tweetId)")
    assert thread == [mention.external_id, reply.external_id]
    context.close()


def test_a_refused_reply_shows_the_platforms_reason_the_post_and_a_retry_button(
    celery_workers, asgi_server, chromium, agent
):
    conversation = channels.x_untagged_post("Acme Coffee got my order wrong again")
    post = conversation.messages.get(direction=Direction.INBOUND)
    celery_workers().wait_ready()
    context, page = open_conversation(chromium, asgi_server, conversation)

    send(page, "Sorry to hear that! Could you send us your order number?")

    failed = page.locator("#composer-slot .delivery[data-status=failed]")
    failed.wait_for(timeout=DELIVERY_MS)
    shown = statuses_shown(page)
    assert (shown[0], shown[-1]) == ("queued", "failed"), shown
    assert "answer this one by hand on X" in failed.locator("[data-testid=delivery-error]").inner_text()
    assert failed.get_by_role("link", name="Answer on the platform").get_attribute("href") == (
        f"https://x.com/i/web/status/{post.external_id}"
    )

    before_retry = len(shown)
    failed.get_by_role("button", name="Retry").click()
    # Retried: queued again, the worker checks the platform first, posts again, and X refuses again.
    page.wait_for_function(
        f"window.__statuses.length > {before_retry + 1}"
        " && window.__statuses[window.__statuses.length - 1] === 'failed'",
        timeout=DELIVERY_MS,
    )
    again = statuses_shown(page)
    assert again[before_retry] == "queued", again
    assert channels.brand_answers(conversation) == []
    context.close()


def test_switching_a_public_post_to_a_private_message_asks_first_and_says_why(asgi_server, platforms, chromium, agent):
    conversation = channels.x_mention("wrong beans again", author="maria")
    context, page = open_conversation(chromium, asgi_server, conversation)

    page.get_by_label("Send as a private message instead").check()
    send(page, "Could you DM us your order number?")

    question = page.locator("[data-testid=reply-confirm]")
    question.wait_for(timeout=WAIT_MS)
    assert "looks like hiding a public complaint" in question.inner_text()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    assert page.locator("#composer-slot textarea").input_value() == "Could you DM us your order number?"

    question.get_by_role("button", name="Send privately anyway").click()
    page.locator("#composer-slot .delivery").wait_for(timeout=WAIT_MS)
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert reply.visibility == Visibility.PRIVATE
    context.close()


def wait_until_delivered(worker, seconds: float = 60) -> list[Message]:
    deadline = time.monotonic() + seconds
    undelivered = Message.objects.filter(
        direction=Direction.OUTBOUND, delivery_status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    )
    while undelivered.exists():
        assert time.monotonic() < deadline, f"replies still undelivered:\n{worker.output()}"
        time.sleep(0.2)
    return list(Message.objects.filter(direction=Direction.OUTBOUND).order_by("id"))


def test_bulk_acknowledgement_answers_each_in_its_own_channel_with_progress_and_results(
    celery_workers, asgi_server, chromium, agent
):
    tweet = channels.x_mention("the beans were stale", author="maria")
    private = channels.messenger("Where is my refund?")
    thanks = add_saved_reply(brand=tweet.brand, title="Thanks", text="Thanks for telling us, {author_name}!")
    worker = celery_workers()
    worker.wait_ready()
    context, page = logged_in(chromium, asgi_server, "agent")
    wait_live(page)

    for conversation in (tweet, private):
        page.locator(f"#conv-{conversation.pk} .pick").check()
    page.select_option("#bulk-action", "acknowledge")
    page.select_option("#bulk-saved-reply", str(thanks.pk))
    page.click("#bulk-run")

    done = page.locator("#bulk-job .bulk-job[data-status=done]")
    done.wait_for(timeout=DELIVERY_MS)
    assert "2 of 2 done" in done.inner_text()
    assert done.locator("progress").get_attribute("value") == "2"
    results = done.locator(".results li.ok").all_inner_texts()
    assert any(f"#{tweet.pk}: Acknowledged with a public reply" in line for line in results), results
    assert any(f"#{private.pk}: Acknowledged with a private message" in line for line in results), results

    sent = wait_until_delivered(worker)
    assert [(m.conversation_id, m.delivery_status) for m in sent] == [
        (tweet.pk, DeliveryStatus.SENT),
        (private.pk, DeliveryStatus.SENT),
    ]
    assert [a.external_id for a in channels.brand_answers(tweet)] == [sent[0].external_id]
    assert [a.external_id for a in channels.brand_answers(private)] == [sent[1].external_id]
    context.close()


def test_reply_to_this_answers_the_message_picked_not_the_customers_latest(platforms, asgi_server, chromium, agent):
    account = channels.x_account()
    first = sandbox.post_mention(brand="acme", text="my beans never came", author="maria")
    sandbox.post_mention(brand="acme", text="and the lid was broken", author="maria", in_reply_to=first.id)
    conversation = channels.polled(account, str(first.id))
    context, page = open_conversation(chromium, asgi_server, conversation)
    answering = page.locator("#composer-slot [data-testid=answering]")
    assert "and the lid was broken" in answering.inner_text()

    # On its own page "Reply to this" loads the page anew: the composer answers only once htmx has run there
    # (a click before that would post the form without it).
    with page.expect_navigation(wait_until="load"):
        page.locator(".message", has_text="my beans never came").get_by_role("link", name="Reply to this").click()
    assert "my beans never came" in answering.inner_text()
    send(page, "@maria Your beans left today.")

    page.locator("#composer-slot .delivery").wait_for(timeout=WAIT_MS)
    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert (reply.in_reply_to, reply.text) == (str(first.id), "@maria Your beans left today.")
    assert "and the lid was broken" in answering.inner_text()  # the next reply answers the latest again
    context.close()
