"""`manage.py rethread` splits conversations stored before one conversation was one customer's in one place."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from inbox.models import Author, Conversation, Direction, Message, Status
from inbox.services.conversation_keys import customer_of
from inbox.services.ingest import ingest_batch
from inbox.sla import escalation
from inbox.sla.models import Outcome, ResponseClock
from monitoring.models import Platform
from tests.inbox.ingest_helpers import author, batch, make_account, post

pytestmark = pytest.mark.django_db


def merged_post_thread(brand):
    """A Page post with comments of three people in one conversation, answered once under Noah's comment: the
    shape ingest stored before, with the clock that one answer stopped for everyone."""
    page = make_account(brand, platform=Platform.FACEBOOK, external_id="page1")
    now = timezone.now()
    people = {
        name: Author.objects.create(
            platform=Platform.FACEBOOK, external_id=name, name=name.title(), first_seen_at=now, last_seen_at=now
        )
        for name in ("noah", "emma", "lucia")
    }
    merged = Conversation.objects.create(
        brand=brand,
        account=page,
        thread_key="p1",
        visibility="public",
        author=people["noah"],
        subject="When in stock?",
        status=Status.OPEN,
        first_inbound_at=now - timedelta(minutes=50),
        last_inbound_at=now - timedelta(minutes=30),
        last_message_at=now - timedelta(minutes=20),
    )

    def message(external_id, minutes_ago, *, author=None, direction=Direction.INBOUND, in_reply_to="p1"):
        at = now - timedelta(minutes=minutes_ago)
        return Message.objects.create(
            conversation=merged,
            account=page,
            external_id=external_id,
            direction=direction,
            visibility="public",
            author=author,
            in_reply_to=in_reply_to,
            text=f"text of {external_id}",
            platform_time=at,
            received_at=at,
            delivery_status="sent" if direction == Direction.OUTBOUND else "",
        )

    message("p1", 60, direction=Direction.OUTBOUND, in_reply_to="")
    message("c1", 50, author=people["noah"])
    message("c2", 40, author=people["emma"])
    message("c3", 30, author=people["lucia"])
    message("c4", 20, direction=Direction.OUTBOUND, in_reply_to="c1")
    return page, merged


def rethread(brand) -> str:
    out = StringIO()
    call_command("rethread", "--brand", brand.slug, stdout=out)
    return out.getvalue()


def test_rethread_splits_a_merged_post_thread_into_one_conversation_per_customer(brand):
    page, merged = merged_post_thread(brand)

    out = rethread(brand)

    assert "3 of 5 messages moved, 3 conversations added" in out
    conversations = {customer_of(c.customer_key): c for c in Conversation.objects.filter(account=page)}
    assert sorted(c.customer_key for c in conversations.values()) == ["", "emma@c2", "lucia@c3", "noah@c1"]
    noah = conversations["noah"]
    assert noah.pk == merged.pk  # the first customer keeps the conversation, its workflow and history
    assert sorted(noah.messages.values_list("external_id", flat=True)) == ["c1", "c4"]
    assert noah.awaiting_reply_since is None
    assert [(c.outcome, c.start_message.external_id) for c in ResponseClock.objects.filter(conversation=noah)] == [
        (Outcome.ANSWERED, "c1")
    ]
    for name in ("emma", "lucia"):
        waiting = conversations[name]
        assert waiting.author.external_id == name
        assert waiting.awaiting_reply_since == waiting.messages.get().received_at
        assert waiting.status == Status.NEW
        assert [c.outcome for c in ResponseClock.objects.filter(conversation=waiting)] == [Outcome.OPEN]
    place = conversations[""]
    assert list(place.messages.values_list("external_id", flat=True)) == ["p1"]
    assert place.status == Status.RESOLVED and place.author is None and place.awaiting_reply_since is None


def test_rethread_reopens_nothing_someone_resolved_and_ends_its_unanswered_waits(brand):
    page, merged = merged_post_thread(brand)
    Conversation.objects.filter(pk=merged.pk).update(status=Status.RESOLVED)

    rethread(brand)

    conversations = {customer_of(c.customer_key): c for c in Conversation.objects.filter(account=page)}
    assert {key: c.status for key, c in conversations.items()} == dict.fromkeys(
        ["", "noah", "emma", "lucia"], Status.RESOLVED
    )
    for name in ("emma", "lucia"):
        assert conversations[name].awaiting_reply_since is None
        assert [c.outcome for c in ResponseClock.objects.filter(conversation=conversations[name])] == [Outcome.CLOSED]


def test_rethread_again_moves_nothing(brand):
    merged_post_thread(brand)
    rethread(brand)
    before = sorted(Message.objects.values_list("external_id", "conversation_id"))
    clocks = sorted(ResponseClock.objects.values_list("pk", flat=True))

    out = rethread(brand)

    assert "0 of 5 messages moved, 0 conversations added, 0 rebuilt" in out
    assert sorted(Message.objects.values_list("external_id", "conversation_id")) == before
    assert sorted(ResponseClock.objects.values_list("pk", flat=True)) == clocks


def test_rethread_splits_conversations_keyed_by_post_and_customer_by_top_level_comment(brand):
    """Keyed the old way, a customer's conversation held all they wrote under a post: it splits by top-level
    comment, and another person's reply under Noah's comment becomes that person's own."""
    page, merged = merged_post_thread(brand)
    rethread(brand)
    noah = Conversation.objects.get(pk=merged.pk)
    emma = Conversation.objects.get(account=page, customer_key="emma@c2")
    Conversation.objects.filter(pk=noah.pk).update(customer_key="noah")
    Conversation.objects.filter(pk=emma.pk).update(customer_key="emma")
    at = timezone.now() - timedelta(minutes=10)
    for external_id, who, parent in (("c5", "noah", "p1"), ("c6", "noah", "c1"), ("c7", "emma", "c1")):
        Message.objects.create(
            conversation=emma if who == "emma" else noah,
            account=page,
            external_id=external_id,
            direction=Direction.INBOUND,
            visibility="public",
            author=Author.objects.get(external_id=who),
            in_reply_to=parent,
            text=f"text of {external_id}",
            platform_time=at,
            received_at=at,
        )

    out = rethread(brand)

    assert "2 of 8 messages moved, 2 conversations added" in out
    assert partition() == {frozenset(ids) for ids in (["p1"], ["c1", "c4", "c6"], ["c5"], ["c2"], ["c7"], ["c3"])}
    assert Conversation.objects.get(pk=noah.pk).customer_key == "noah@c1"  # its first customer's first comment
    assert Conversation.objects.get(pk=emma.pk).customer_key == "emma@c2"
    assert "0 of 8 messages moved" in rethread(brand)


def test_rethread_takes_alert_feed_articles_off_the_clock(brand):
    feed = make_account(brand, platform=Platform.FEED, external_id="https://news.example.org/feed.xml")
    now = timezone.now()
    article = Conversation.objects.create(
        brand=brand,
        account=feed,
        thread_key="a1",
        visibility="public",
        subject="Prices up",
        first_inbound_at=now,
        last_inbound_at=now,
        last_message_at=now,
        awaiting_reply_since=now,
        response_due_at=now + timedelta(hours=2),
    )
    Message.objects.create(
        conversation=article,
        account=feed,
        external_id="a1",
        direction=Direction.INBOUND,
        visibility="public",
        text="Prices up",
        platform_time=now,
        received_at=now,
    )
    ResponseClock.objects.create(
        conversation=article,
        brand=brand,
        account=feed,
        kind="first",
        started_at=now,
        platform_started_at=now,
        target_minutes=120,
        at_risk_at=now + timedelta(hours=1),
        due_at=now + timedelta(hours=2),
    )

    rethread(brand)

    article.refresh_from_db()
    assert (article.to_review, article.awaiting_reply_since, article.response_due_at) == (True, None, None)
    assert not ResponseClock.objects.filter(conversation=article).exists()


def test_rethread_of_merged_ingest_gives_back_what_ingest_now_stores(brand):
    """Merge what ingest stored into one conversation per place, as before; rethreading restores it."""
    page = make_account(brand, platform=Platform.FACEBOOK, external_id="page1")
    ingest_batch(
        account=page,
        stream="page_feed",
        result=batch(
            post("p1", text="New cups!", is_from_brand=True, by=author("page1")),
            *(post(f"c{n}", thread="p1", in_reply_to="p1", minutes=n, by=author(f"u{n % 3}")) for n in range(1, 7)),
            post("r1", thread="p1", in_reply_to="c2", minutes=8, is_from_brand=True, by=author("page1")),
            post("r2", thread="p1", in_reply_to="r1", minutes=9, is_from_brand=True, by=author("page1")),
            post("q1", thread="p2", in_reply_to="p2", minutes=3, by=author("u1")),
        ),
    )
    escalation.fire_warnings()  # settles the clock that r1, found by polling, ended
    stored, waiting = partition(), waits()
    for thread_key in ("p1", "p2"):
        in_place = Conversation.objects.filter(account=page, thread_key=thread_key).order_by("pk")
        keep = in_place.exclude(customer_key="").first()
        Message.objects.filter(conversation__in=in_place).update(conversation=keep)
        in_place.exclude(pk=keep.pk).delete()
        Conversation.objects.filter(pk=keep.pk).update(customer_key="")
    assert len(partition()) == 2

    rethread(brand)

    assert partition() == stored
    assert waits() == waiting


def waits() -> dict[frozenset[str | None], tuple[bool, bool]]:
    """Whether each conversation, known by its messages, waits for an answer, and whether its clock is open."""
    return {
        frozenset(c.messages.values_list("external_id", flat=True)): (
            c.awaiting_reply_since is not None,
            ResponseClock.objects.filter(conversation=c, outcome=Outcome.OPEN).exists(),
        )
        for c in Conversation.objects.all()
    }


def partition() -> set[frozenset[str | None]]:
    """Which messages share a conversation."""
    together: dict[int, set[str | None]] = {}
    for external_id, conversation_id in Message.objects.values_list("external_id", "conversation_id"):
        together.setdefault(conversation_id, set()).add(external_id)
    return {frozenset(ids) for ids in together.values()}
