"""One customer, one conversation: the sandbox plays several customers in one place, polling brings them in
through the real connectors, and the dashboard's first-response figures are those a person computes by hand."""

from __future__ import annotations

import statistics
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from brands.models import Brand
from inbox.models import Conversation, Direction, Message, Status
from inbox.services.replies import ReplyRequest, do_reply
from inbox.sla import escalation
from inbox.sla.models import Outcome, ResponseClock
from inbox.sla.selectors import DashboardFilters, dashboard
from monitoring.channel_accounts import add_facebook_account, add_feed_account
from monitoring.services import poll_account
from promptly.celery import app as celery_app
from sandbox import scenarios
from sandbox import services as sandbox
from tests.inbox import sandbox_channels as channels


@pytest.fixture
def accounts(platforms, brand, monkeypatch):
    """The brand's sandbox accounts as `manage.py sandbox setup` makes them, connected; replies delivered inline."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)
    page = sandbox.create_facebook_page(name=brand.name, username=brand.slug)
    feed = sandbox.create_feed(slug=brand.slug, term="coffee")
    return {
        "x": channels.x_account(),
        "facebook": add_facebook_account(brand_slug=brand.slug, page_id=page.page_id, page_token=page.page_token),
        "feed": add_feed_account(brand_slug=brand.slug, url=f"{platforms}/feeds/{feed.slug}.xml"),
    }


def poll_all(accounts) -> None:
    for account in accounts.values():
        poll_account(account.pk)


def conversation_of(account, external_id: str) -> Conversation:
    return Message.objects.select_related("conversation").get(account=account, external_id=external_id).conversation


def clocks(conversation: Conversation) -> list[tuple[str, int | None]]:
    return [(c.outcome, c.responder_id) for c in ResponseClock.objects.filter(conversation=conversation)]


def first_response_seconds(answer: Message, customer: Message) -> int:
    """By hand: from when we received the customer's message to when the brand's answer was posted."""
    return max(0, round((answer.platform_time - customer.received_at).total_seconds()))


def test_several_customers_in_one_place_each_get_their_conversation_and_clock(accounts, brand: Brand, agent):
    played = scenarios.several_customers(slug=brand.slug)
    poll_all(accounts)
    facebook, x, feed = accounts["facebook"], accounts["x"], accounts["feed"]

    comments = {name: conversation_of(facebook, c.graph_id) for name, c in played.comments.items()}
    replies = {name: conversation_of(x, str(t.id)) for name, t in played.replies.items()}
    thread = conversation_of(x, str(played.thread[0].id))
    article = Conversation.objects.get(account=feed)
    # One conversation per customer and place, and the brand's own post apart, as context.
    assert len({c.pk for c in comments.values()}) == 3
    assert {c.author.name for c in comments.values() if c.author} == {"Noah Bennett", "Emma Clarke", "Lucia Ortega"}
    assert len({c.pk for c in replies.values()}) == 2
    assert conversation_of(x, str(played.thread[1].id)) == thread
    assert thread.messages.count() == 2
    page_post = conversation_of(facebook, played.page_post.graph_id)
    assert page_post.customer_key == "" and page_post.status == Status.RESOLVED
    assert list(page_post.messages.values_list("direction", flat=True)) == [Direction.OUTBOUND]
    assert Conversation.objects.filter(account=facebook).count() == 4
    assert Conversation.objects.filter(account=x).count() == 3
    assert Conversation.objects.filter(brand=brand).count() == 8

    # Noah is answered on Facebook itself, seven minutes after we heard him; Emma from Promptly.
    noah_comment = comments["noah"].messages.get()
    native = scenarios.answer_natively(
        played.comments["noah"], text="Yes, in decaf too!", at=noah_comment.received_at + timedelta(minutes=7)
    )
    poll_account(facebook.pk)
    emma_comment = comments["emma"].messages.get()
    sent = do_reply(
        user=agent,
        conversation_id=comments["emma"].pk,
        request=ReplyRequest(text="So sorry, Emma: it ships today.", idempotency_key=uuid.uuid4()),
    ).message
    poll_account(facebook.pk)  # brings our own reply back: known already
    escalation.fire_warnings()  # what beat runs every minute: it settles the clock the native answer ended

    native_answer = Message.objects.get(account=facebook, external_id=native.graph_id)
    sent.refresh_from_db()
    assert native_answer.conversation == comments["noah"]
    assert sent.conversation == comments["emma"] and sent.external_id
    assert Message.objects.filter(account=facebook, external_id=sent.external_id).count() == 1
    for conversation in [*comments.values(), *replies.values(), thread, article, page_post]:
        conversation.refresh_from_db()
    # The right clock on each.
    assert clocks(comments["noah"]) == [(Outcome.ANSWERED, None)]
    assert clocks(comments["emma"]) == [(Outcome.ANSWERED, agent.pk)]
    assert comments["noah"].awaiting_reply_since is None and comments["emma"].awaiting_reply_since is None
    for waiting in (comments["lucia"], replies["ann"], replies["ben"], thread):
        assert clocks(waiting) == [(Outcome.OPEN, None)]
        assert waiting.awaiting_reply_since is not None and waiting.status == Status.NEW
    assert clocks(page_post) == []
    assert (article.to_review, article.awaiting_reply_since, article.response_due_at) == (True, None, None)
    assert clocks(article) == []

    today = timezone.now().astimezone(ZoneInfo(brand.audience_time_zone)).date()
    board = dashboard(DashboardFilters(brand=brand, start=today, end=today))
    by_hand = [first_response_seconds(native_answer, noah_comment), first_response_seconds(sent, emma_comment)]
    assert by_hand[0] >= 7 * 60 - 1
    summary = board.summary
    assert (summary["received"], summary["answered"], summary["breaches"]) == (6, 2, 0)
    assert summary["within_target"] == 2
    assert summary["median_first_calendar_seconds"] == statistics.median(by_hand)
    assert {row["responder_id"]: row["answered"] for row in board.agents} == {None: 1, agent.pk: 1}
    assert board.to_review == {"found": 1, "waiting": 1, "overdue": 0}


def test_a_conversation_page_shows_the_post_and_others_comments_as_collapsed_context(accounts, brand, client, agent):
    played = scenarios.several_customers(slug=brand.slug)
    poll_all(accounts)
    emma = conversation_of(accounts["facebook"], played.comments["emma"].graph_id)
    client.force_login(agent)

    page = client.get(reverse("inbox:conversation", args=[emma.pk])).content.decode()

    context, thread = page.split('<div id="thread">')
    assert "Our winter blend is out" in context
    assert "What others said here (2)" in context
    assert "Is it decaf too?" in context and "Love it, best one so far" in context
    assert "Is it decaf too?" not in thread and "6 days later" in thread


def test_a_brand_post_polled_with_its_comments_answers_none_of_them(accounts, brand: Brand):
    """Graph dates to the second: a post and the comments written in the same second share one time."""
    facebook = accounts["facebook"]
    at = timezone.now().replace(microsecond=0)
    page_post = sandbox.publish_page_post(page_id=facebook.external_id, message="New cups!", created_time=at)
    for name in ("Noah Bennett", "Emma Clarke", "Lucia Ortega"):
        sandbox.post_comment(on=page_post.graph_id, message="Nice", author=name, created_time=at)

    poll_account(facebook.pk)
    escalation.fire_warnings()

    customers = Conversation.objects.filter(account=facebook, author__isnull=False)
    assert customers.count() == 3
    for conversation in customers:
        assert conversation.awaiting_reply_since is not None
        assert clocks(conversation) == [(Outcome.OPEN, None)]
    today = timezone.now().astimezone(ZoneInfo(brand.audience_time_zone)).date()
    board = dashboard(DashboardFilters(brand=brand, start=today, end=today))
    assert (board.summary["received"], board.summary["answered"]) == (3, 0)
    assert board.agents == []  # nobody, not even "on the platform", answered


def test_on_facebook_each_top_level_comment_is_a_place_and_each_person_there_has_their_own(
    accounts, brand: Brand, agent
):
    played = scenarios.several_customers(slug=brand.slug)
    poll_all(accounts)
    facebook = accounts["facebook"]
    noah = played.comments["noah"]
    again = sandbox.post_comment(on=played.page_post.graph_id, message="And oat milk?", author="Noah Bennett")
    own = sandbox.post_comment(on=noah.graph_id, message="Asking for my mum", author="Noah Bennett")
    other = sandbox.post_comment(on=noah.graph_id, message="Me too, is it?", author="Lucia Ortega")
    poll_account(facebook.pk)

    noahs = conversation_of(facebook, noah.graph_id)
    assert conversation_of(facebook, own.graph_id) == noahs
    assert conversation_of(facebook, again.graph_id) != noahs
    lucias = conversation_of(facebook, other.graph_id)
    assert lucias not in (noahs, conversation_of(facebook, played.comments["lucia"].graph_id))
    assert lucias.author is not None
    assert (lucias.thread_key, lucias.customer_key) == (
        noahs.thread_key,
        f"{lucias.author.external_id}@{noah.graph_id}",
    )

    sent = do_reply(
        user=agent,
        conversation_id=lucias.pk,
        request=ReplyRequest(text="It is, Lucia!", idempotency_key=uuid.uuid4()),
    ).message
    poll_account(facebook.pk)  # brings our reply back, posted under Noah's comment: it stays Lucia's
    sent.refresh_from_db()
    lucias.refresh_from_db()
    noahs.refresh_from_db()
    assert sent.conversation == lucias and lucias.awaiting_reply_since is None
    assert clocks(lucias) == [(Outcome.ANSWERED, agent.pk)]
    assert noahs.awaiting_reply_since is not None
