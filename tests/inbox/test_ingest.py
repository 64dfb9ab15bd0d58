"""Ingest stores every fetched mention exactly once, threaded, with its author, cursor and clock."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox import enrichment
from inbox.models import Author, Conversation, DeliveryStatus, Direction, Message, QuarantinedItem, Status
from inbox.services.conversation_keys import customer_of
from inbox.services.ingest import ingest_batch
from inbox.services.priority import mark_query_matches
from inbox.services.workflow import do_change_status
from inbox.signals import messages_ingested
from inbox.sla.models import Outcome, ResponseClock
from monitoring.connectors.base import QuarantinedPayload
from monitoring.models import Platform, StreamCursor
from tests.inbox.ingest_helpers import NOBODY, T0, author, batch, make_account, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(brand):
    return make_account(brand)


def test_duplicates_inside_a_batch_are_stored_once_and_counted(account):
    report = ingest_batch(account=account, stream="mentions", result=batch(post("1"), post("2"), post("1"), post("1")))
    assert (report.fetched, report.stored, report.duplicates, report.quarantined) == (4, 2, 2, 0)
    assert sorted(Message.objects.values_list("external_id", flat=True)) == ["1", "2"]


def test_duplicates_across_batches_are_free_and_exact(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1"), post("2")))
    report = ingest_batch(account=account, stream="mentions", result=batch(post("2"), post("3"), post("1")))
    assert (report.fetched, report.stored, report.duplicates) == (3, 1, 2)
    assert Message.objects.count() == 3
    again = ingest_batch(account=account, stream="mentions", result=batch(post("1"), post("2"), post("3")))
    assert (again.stored, again.duplicates, again.conversation_ids) == (0, 3, [])


def test_polling_and_webhook_deliver_the_same_post_once(account):
    pushed = ingest_batch(account=account, stream="webhook", result=batch(post("77", text="Where is my order?")))
    polled = ingest_batch(account=account, stream="mentions", result=batch(post("76"), post("77"), post("78")))
    assert (pushed.stored, polled.stored, polled.duplicates) == (1, 2, 1)
    assert Message.objects.filter(external_id="77").count() == 1


def test_the_same_post_id_on_two_accounts_is_two_messages(brand, account):
    other = make_account(brand, external_id="2000")
    ingest_batch(account=account, stream="mentions", result=batch(post("5")))
    report = ingest_batch(account=other, stream="mentions", result=batch(post("5")))
    assert report.stored == 1
    assert Message.objects.filter(external_id="5").count() == 2


def test_x_replies_thread_into_their_authors_conversation_in_the_x_conversation(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("100", text="@acme my latte was cold")))
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(
            post("101", thread="100", in_reply_to="100", minutes=3, by=author("u2")),
            post("102", thread="100", in_reply_to="101", minutes=4),
            post("200", text="a new topic", minutes=5),
        ),
    )
    first = Conversation.objects.get(thread_key="100", customer_key="u1")
    assert sorted(first.messages.values_list("external_id", flat=True)) == ["100", "102"]
    assert first.last_inbound_at == T0 + timedelta(minutes=4)
    joined = Conversation.objects.get(thread_key="100", customer_key="u2")
    assert list(joined.messages.values_list("external_id", flat=True)) == ["101"]
    assert joined.messages.get().in_reply_to == "100"
    assert Conversation.objects.count() == 3


def test_x_replies_of_two_customers_to_the_brands_post_are_two_conversations(account):
    own = post("500", text="Our autumn menu is here!", is_from_brand=True, by=author("1000", handle="acme"))
    ingest_batch(account=account, stream="timeline", result=batch(own))
    replies = batch(
        post("501", thread="500", in_reply_to="500", minutes=2, by=author("u1"), text="Love the pumpkin latte"),
        post("502", thread="500", in_reply_to="500", minutes=3, by=author("u2"), text="Is it vegan?"),
    )
    ingest_batch(account=account, stream="mentions", result=replies)
    holding = {m.external_id: m.conversation_id for m in Message.objects.all()}
    assert len({holding["500"], holding["501"], holding["502"]}) == 3
    conversations = {c.customer_key: c for c in Conversation.objects.filter(thread_key="500")}
    assert sorted(conversations) == ["", "u1", "u2"]
    assert [m.external_id for m in conversations["u1"].messages.all()] == ["501"]
    assert [m.external_id for m in conversations["u2"].messages.all()] == ["502"]
    assert conversations["u1"].author.external_id == "u1" and conversations["u2"].author.external_id == "u2"
    assert conversations["u2"].awaiting_reply_since is not None
    assert conversations[""].status == Status.RESOLVED and conversations[""].author is None


def test_facebook_comments_of_different_people_are_their_own_conversations(brand):
    page = make_account(brand, platform=Platform.FACEBOOK, external_id="page1")
    comment = post("page1_9_c1", thread="page1_9", text="Is the shop open on Sunday?", in_reply_to="page1_9")
    other = post(
        "page1_9_c2", thread="page1_9", text="Same question", in_reply_to="page1_9_c1", minutes=2, by=author("u3")
    )
    again = post("page1_9_c3", thread="page1_9", text="And on Monday?", in_reply_to="page1_9_c1", minutes=3)
    ingest_batch(account=page, stream="page_feed", result=batch(comment, other, again))
    holding = {m.external_id: m.conversation_id for m in Message.objects.all()}
    assert holding["page1_9_c1"] == holding["page1_9_c3"] != holding["page1_9_c2"]
    # Ann's reply under her own comment stays hers; another person's reply there is theirs, in the same place.
    conversations = {customer_of(c.customer_key): c for c in Conversation.objects.all()}
    assert sorted(c.customer_key for c in conversations.values()) == ["u1@page1_9_c1", "u3@page1_9_c1"]
    assert {c.thread_key for c in conversations.values()} == {"page1_9"}
    assert list(conversations["u1"].messages.order_by("platform_time").values_list("external_id", flat=True)) == [
        "page1_9_c1",
        "page1_9_c3",
    ]
    assert conversations["u3"].author.external_id == "u3"
    assert conversations["u3"].subject == "Same question"


def test_a_second_facebook_comment_of_a_customer_is_a_new_conversation_and_a_later_reply_joins_its_comment(brand):
    page = make_account(brand, platform=Platform.FACEBOOK, external_id="page1")
    first = post("p_1_c1", thread="p_1", in_reply_to="p_1", text="Where is my order?")
    ingest_batch(account=page, stream="page_feed", result=batch(first))
    again = post("p_1_c2", thread="p_1", in_reply_to="p_1", minutes=60, text="Still waiting")
    under = post("p_1_c3", thread="p_1", in_reply_to="p_1_c1", minutes=61, text="Order 1234")
    ingest_batch(account=page, stream="page_feed", result=batch(again, under))
    holding = {m.external_id: m.conversation.customer_key for m in Message.objects.select_related("conversation")}
    assert holding == {"p_1_c1": "u1@p_1_c1", "p_1_c2": "u1@p_1_c2", "p_1_c3": "u1@p_1_c1"}
    assert Conversation.objects.filter(awaiting_reply_since__isnull=False).count() == 2


def test_a_brand_reply_joins_the_conversation_of_the_customer_it_answers(brand):
    page = make_account(brand, platform=Platform.FACEBOOK, external_id="page1")
    brand_post = post("p_1", text="Our seasonal blend is out!", is_from_brand=True, by=author("page1"))
    noah = post("p_1_c1", thread="p_1", in_reply_to="p_1", minutes=1, by=author("noah"), text="When in stock?")
    emma = post("p_1_c2", thread="p_1", in_reply_to="p_1", minutes=2, by=author("emma"), text="Still processing")
    ingest_batch(account=page, stream="page_feed", result=batch(brand_post, noah, emma))
    # Written natively, found by the next poll: it answers Noah, under his comment.
    answer = post(
        "p_1_c3", thread="p_1", in_reply_to="p_1_c1", minutes=30, is_from_brand=True, by=author("page1"), text="Now!"
    )
    ingest_batch(account=page, stream="page_feed", result=batch(answer))
    noahs, emmas, place = (Conversation.objects.get(customer_key=key) for key in ("noah@p_1_c1", "emma@p_1_c2", ""))
    assert sorted(noahs.messages.values_list("external_id", flat=True)) == ["p_1_c1", "p_1_c3"]
    assert noahs.awaiting_reply_since is None
    assert emmas.awaiting_reply_since is not None and emmas.status == Status.NEW
    assert list(place.messages.values_list("external_id", flat=True)) == ["p_1"]


def test_the_brand_post_and_its_comments_in_one_poll_leave_every_comment_waiting(brand):
    page = make_account(brand, platform=Platform.FACEBOOK, external_id="page1")
    # Graph dates to the second: the post and comments written within it share one platform time. The batch
    # order is not time order either.
    comments = [
        post(f"p_2_c{n}", thread="p_2", in_reply_to="p_2", by=author(f"c{n}"), text=f"Question {n}") for n in (3, 1, 2)
    ]
    brand_post = post("p_2", text="New cups!", is_from_brand=True, by=author("page1"))
    ingest_batch(account=page, stream="page_feed", result=batch(*comments, brand_post))
    customers = Conversation.objects.exclude(customer_key="")
    assert customers.count() == 3
    for conversation in customers:
        assert conversation.status == Status.NEW
        assert conversation.awaiting_reply_since is not None and conversation.response_due_at is not None
        assert not conversation.messages.filter(direction=Direction.OUTBOUND).exists()
    assert ResponseClock.objects.filter(outcome=Outcome.OPEN).count() == 3


def test_direct_messages_thread_by_participant_and_stay_private(account):
    first = post("dm1", thread="u9", text="hi, a private question", visibility="private", by=author("u9"))
    answer = post(
        "dm2", thread="u9", text="Sure!", visibility="private", minutes=5, is_from_brand=True, by=author("1000")
    )
    later = post("dm3", thread="u9", text="thanks", visibility="private", minutes=9, by=author("u9"))
    ingest_batch(account=account, stream="dms", result=batch(first, answer, later))
    conversation = Conversation.objects.get()
    assert conversation.visibility == "private"
    assert conversation.messages.count() == 3
    assert conversation.author.external_id == "u9"


def test_authors_are_records_with_history(account):
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(post("1", by=author("u1", handle="ann", name="Ann", followers_count=10), minutes=5)),
    )
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(
            post("2", by=author("u1", handle="ann_new", name="", followers_count=None), minutes=30),
            post("3", by=author("u1", handle="ann_new", followers_count=12), minutes=1),
        ),
    )
    person = Author.objects.get()
    assert (person.handle, person.name, person.followers_count) == ("ann_new", "Ann", 12)
    assert person.first_seen_at == T0 + timedelta(minutes=1)
    assert person.last_seen_at == T0 + timedelta(minutes=30)
    assert person.messages.count() == 3


def test_brand_own_post_is_outbound_and_starts_no_clock(account):
    own = post("900", text="New autumn menu is here!", is_from_brand=True, by=author("1000", handle="acme"))
    report = ingest_batch(account=account, stream="mentions", result=batch(own))
    message = Message.objects.get()
    assert (message.direction, message.delivery_status, message.is_automated) == (
        Direction.OUTBOUND,
        DeliveryStatus.SENT,
        False,
    )
    conversation = message.conversation
    assert report.stored == 1
    assert conversation.awaiting_reply_since is None and conversation.response_due_at is None
    assert conversation.status == Status.RESOLVED  # not new work
    ingest_batch(account=account, stream="mentions", result=batch(post("901", thread="900", minutes=10)))
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED  # the post is context: the comment is its author's conversation
    comment = Conversation.objects.get(thread_key="900", customer_key="u1")
    assert comment.status == Status.NEW and comment.awaiting_reply_since is not None


def test_a_brand_reply_found_by_polling_stops_the_clock(account, brand):
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="Where is my order?")))
    conversation = Conversation.objects.get()
    assert conversation.response_due_at == conversation.awaiting_reply_since + timedelta(
        minutes=brand.first_response_target_minutes
    )
    reply = post("2", thread="1", minutes=20, is_from_brand=True, by=author("1000"), in_reply_to="1")
    ingest_batch(account=account, stream="mentions", result=batch(reply))
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since is None and conversation.response_due_at is None
    assert Message.objects.get(external_id="2").is_automated is False


def test_the_clock_keeps_the_oldest_unanswered_message(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1")))
    started = Conversation.objects.get().awaiting_reply_since
    ingest_batch(account=account, stream="mentions", result=batch(post("2", thread="1", minutes=3)))
    assert Conversation.objects.get().awaiting_reply_since == started


def test_a_new_message_reopens_a_resolved_conversation(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1")))
    Conversation.objects.update(status=Status.RESOLVED, awaiting_reply_since=None, response_due_at=None)
    ingest_batch(account=account, stream="mentions", result=batch(post("2", thread="1", minutes=60)))
    conversation = Conversation.objects.get()
    assert conversation.status == Status.OPEN
    assert conversation.awaiting_reply_since is not None and conversation.response_due_at is not None


def test_spam_stays_spam_and_starts_no_clock(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1")))
    Conversation.objects.update(status=Status.SPAM, awaiting_reply_since=None, response_due_at=None)
    report = ingest_batch(account=account, stream="mentions", result=batch(post("2", thread="1", minutes=1)))
    conversation = Conversation.objects.get()
    assert report.stored == 1
    assert (conversation.status, conversation.awaiting_reply_since) == (Status.SPAM, None)


def test_a_post_without_author_language_or_safe_values_is_still_stored(account):
    hostile = post(
        "x" * 900,
        thread="",
        text="\x00<script>alert(1)</script> 🙂\ud800",
        by=NOBODY,
        url="javascript:alert(1)",
        raw={"bad": "nul\x00byte", "lone": "\udfff"},
        visibility="something-else",
    )
    faceless = post("2", text="", by=NOBODY)
    report = ingest_batch(account=account, stream="mentions", result=batch(hostile, faceless))
    assert report.stored == 2
    stored = Message.objects.get(external_id="x" * 500)
    assert stored.author is None
    assert stored.text == "<script>alert(1)</script> 🙂?"
    assert stored.url == ""
    assert stored.visibility == "private"
    assert stored.raw == {"bad": "nulbyte", "lone": "?"}
    assert Message.objects.get(external_id="2").language == ""


def test_a_flaw_in_enrichment_stores_the_post_unscored_instead_of_failing_the_batch(account, monkeypatch, caplog):
    real = enrichment.analyse

    def broken(text, language):
        if "trips" in text:
            raise KeyError(":")
        return real(text, language)

    # A stand-in for any bug deep in enrichment (as ':)' once was): only the post that trips it suffers.
    monkeypatch.setattr("inbox.enrichment.analyse", broken)
    report = ingest_batch(
        account=account,
        stream="mentions",
        result=batch(post("1", text="this trips it"), post("2", text="Thank you, everything was perfect!")),
    )
    assert report.stored == 2
    tripped, fine = Message.objects.get(external_id="1"), Message.objects.get(external_id="2")
    assert (tripped.language, tripped.sentiment) == ("", "unknown")
    assert (fine.language, fine.sentiment) == ("en", "positive")
    assert "enrichment failed for '1'" in caplog.text


def test_a_post_that_trips_batch_language_detection_costs_only_itself_its_language(account, monkeypatch, caplog):
    def tripped_by_any(posts):
        if any("trips" in text for text, _ in posts):
            raise ValueError("detector failure")
        return [hint for _, hint in posts]

    monkeypatch.setattr("inbox.services.ingest_rows.detect_languages", tripped_by_any)
    monkeypatch.setattr("inbox.enrichment.detect_language", lambda text, hint="": tripped_by_any([(text, hint)])[0])
    report = ingest_batch(
        account=account,
        stream="mentions",
        result=batch(post("1", text="this trips it"), post("2", text="Gracias", language_hint="es")),
    )
    assert report.stored == 2
    assert Message.objects.get(external_id="1").sentiment == "unknown"
    assert Message.objects.get(external_id="2").language == "es"
    assert "language detection failed for a batch of 2" in caplog.text


def test_quarantined_payloads_are_stored_with_their_reason(account):
    nameless = post("  ", text="no id")
    result = batch(
        post("1"),
        nameless,
        quarantined=[
            QuarantinedPayload(raw='{"id": ', reason="truncated JSON"),
            QuarantinedPayload(raw="\x00\ud800", reason="bad"),
        ],
    )
    report = ingest_batch(account=account, stream="mentions", result=result)
    assert (report.fetched, report.stored, report.duplicates, report.quarantined) == (4, 1, 0, 3)
    reasons = sorted(QuarantinedItem.objects.values_list("reason", flat=True))
    assert reasons == ["The platform gave this item no id.", "bad", "truncated JSON"]
    assert QuarantinedItem.objects.get(reason="bad").raw == "?"
    assert QuarantinedItem.objects.filter(raw='{"id": ', stream="mentions").exists()


def test_a_broken_item_is_quarantined_once_whichever_stream_brings_it_again(account):
    polled = QuarantinedPayload(raw='{"id": "c-1", "created_time": "2024-13-45"}', reason="bad time", item_id="c-1")
    pushed = QuarantinedPayload(raw='{"comment_id": "c-1", "created_time": 0}', reason="bad time", item_id="c-1")
    nameless = QuarantinedPayload(raw='{"text": "no id"}', reason="no id")

    first = ingest_batch(account=account, stream="posts", result=batch(quarantined=[polled, nameless]))
    again = ingest_batch(account=account, stream="webhook", result=batch(quarantined=[pushed, nameless, nameless]))

    assert (first.fetched, first.quarantined, first.duplicates) == (2, 2, 0)
    assert (again.fetched, again.quarantined, again.duplicates) == (3, 0, 3)
    assert sorted(QuarantinedItem.objects.values_list("stream", "raw")) == [
        ("posts", '{"id": "c-1", "created_time": "2024-13-45"}'),
        ("posts", '{"text": "no id"}'),
    ]


def test_the_cursor_is_saved_with_the_batch_and_clears_a_pause(account):
    StreamCursor.objects.create(
        account=account, stream="mentions", position={"since_id": "0"}, paused_until=T0, consecutive_failures=3
    )
    ingest_batch(account=account, stream="mentions", result=batch(post("1"), position={"since_id": "1"}))
    saved = StreamCursor.objects.get()
    assert (saved.position, saved.paused_until, saved.consecutive_failures) == ({"since_id": "1"}, None, 0)
    ingest_batch(account=account, stream="mentions", result=batch(position={}))
    assert StreamCursor.objects.get().position == {"since_id": "1"}


def test_nothing_is_kept_when_the_batch_transaction_fails(account):
    def failing_subscriber(**kwargs):
        raise RuntimeError("a subscriber failed")

    messages_ingested.connect(failing_subscriber)
    try:
        with pytest.raises(RuntimeError):
            ingest_batch(account=account, stream="mentions", result=batch(post("1"), position={"since_id": "1"}))
    finally:
        messages_ingested.disconnect(failing_subscriber)
    assert not StreamCursor.objects.exists()
    assert not Message.objects.exists() and not Conversation.objects.exists() and not Author.objects.exists()


def test_subscribers_hear_of_new_inbound_messages_only(account):
    heard = []

    def subscriber(brand_id, message_ids, **kwargs):
        heard.append(
            (brand_id, sorted(Message.objects.filter(id__in=message_ids).values_list("external_id", flat=True)))
        )

    messages_ingested.connect(subscriber)
    try:
        own = post("3", is_from_brand=True, by=author("1000"))
        ingest_batch(account=account, stream="mentions", result=batch(post("1"), post("2"), own))
        ingest_batch(account=account, stream="mentions", result=batch(post("1")))
    finally:
        messages_ingested.disconnect(subscriber)
    assert heard == [(account.brand_id, ["1", "2"])]


def _ingest_queries(account, size, start):
    messages = [
        post(str(start + n), thread=str(start + n // 3), by=author(f"u{n % 7}"), minutes=n, text="Where is my order?")
        for n in range(size)
    ]
    messages.append(post(str(start)))  # a duplicate inside the batch
    result = batch(*messages, quarantined=[QuarantinedPayload(raw="{", reason="bad")])
    with CaptureQueriesContext(connection) as captured:
        ingest_batch(account=account, stream="mentions", result=result)
    return len(captured.captured_queries)


def test_query_count_is_constant_in_batch_size(account):
    first = _ingest_queries(account, 3, 1000)
    small = _ingest_queries(account, 3, 2000)
    large = _ingest_queries(account, 300, 5000)
    assert small == large
    # The brand's settings (SLA policies, listening, round-robin) are read by the first batch only.
    assert first == large + 3
    # savepoint and release; ingest: 5 (lookup with quarantine, cursor and settings version; authors with the
    # lock of existing threads; new conversations; messages; update of existing ones); the SLA clock: 2 (waits,
    # clocks)
    assert large <= 9


def test_query_count_of_an_all_duplicate_batch(account, django_assert_num_queries):
    ingest_batch(account=account, stream="mentions", result=batch(post("1"), post("2")))
    # savepoint, known ids sent with the cursor, release
    with django_assert_num_queries(3):
        ingest_batch(account=account, stream="mentions", result=batch(post("1"), post("2")))


def test_query_matches_raise_priority_once(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="I like the new cups")))
    message = Message.objects.get()
    before = message.priority
    mark_query_matches(message_ids=[message.id])
    mark_query_matches(message_ids=[message.id])
    message.refresh_from_db()
    assert message.priority == before + 15 and message.matched_query
    assert Conversation.objects.get().priority == message.priority


def test_a_monitored_query_match_raises_the_priority_of_what_it_matched(account, brand):
    from monitoring.queries.services import add_query

    add_query(brand=brand, name="Drinks", query="latte")
    ingest_batch(
        account=account,
        stream="search",
        result=batch(post("1", text="I love my latte"), post("2", text="I love my tea", by=author("u2"))),
    )
    matched, other = Message.objects.get(external_id="1"), Message.objects.get(external_id="2")
    assert matched.matched_query and not other.matched_query
    assert matched.priority == other.priority + 15


def _words_as_the_trigger_writes_them() -> dict[int, str]:
    """Every conversation's words recomputed from all its messages, with the SQL of the message trigger."""
    words = importlib.import_module("inbox.migrations.0011_conversation_search_document").WORDS_BY_CONVERSATION
    with connection.cursor() as cursor:
        # The SQL is the migration's constant; nothing in it comes from input.
        cursor.execute(f"SELECT conversation_id, words::text FROM ({words.format(messages='inbox_message')}) AS w")  # noqa: S608
        return dict(cursor.fetchall())


def test_ingest_writes_the_search_words_the_message_trigger_would(account):
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(
            post("1", text="Café crème was COLD", by=author("u1", handle="jose_r", name="José Álvarez")),
            post("2", thread="1", text="still waiting", by=author("u1"), minutes=1),
            post("3", text="sin autor", by=NOBODY),
            post(
                "4", thread="1", text="Sorry, on it", is_from_brand=True, by=author("1000"), minutes=2, in_reply_to="2"
            ),
        ),
    )
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(post("5", thread="1", text="Łódź order", by=author("u2", name="Ann"), minutes=3), post("6")),
    )
    stored = dict(Conversation.objects.values_list("pk", "search_document"))
    assert stored == _words_as_the_trigger_writes_them()
    assert "alvarez" in stored[Conversation.objects.get(thread_key="1", customer_key="u1").pk]


def test_a_message_inserted_after_ingest_in_the_same_transaction_still_gets_its_words(account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="first words")))
    conversation = Conversation.objects.get()
    Message.objects.create(
        conversation=conversation,
        account=account,
        external_id="reply-1",
        direction=Direction.OUTBOUND,
        text="brand reply words",
        platform_time=T0,
        received_at=T0,
    )
    conversation.refresh_from_db()
    assert "reply" in conversation.search_document
    assert dict(Conversation.objects.values_list("pk", "search_document")) == _words_as_the_trigger_writes_them()


def test_an_alert_feed_article_is_to_review_and_runs_no_first_response_clock(brand):
    feed = make_account(brand, platform=Platform.FEED, external_id="https://news.example.org/feed.xml")
    article = post("tag:news,2026:7", text="Coffee chains raise prices again", by=author("news.example.org"))

    ingest_batch(account=feed, stream="feed", result=batch(article))

    conversation = Conversation.objects.get()
    assert conversation.status == Status.NEW  # still work: someone reviews it
    assert (conversation.awaiting_reply_since, conversation.response_due_at) == (None, None)
    assert not ResponseClock.objects.exists()
    assert conversation.to_review


def test_an_item_to_review_is_due_by_the_brands_review_target_until_reviewed(brand, agent):
    brand.review_target_minutes = 30
    brand.save(update_fields=["review_target_minutes"])
    feed = make_account(brand, platform=Platform.FEED, external_id="https://news.example.org/feed.xml")
    ingest_batch(account=feed, stream="feed", result=batch(post("tag:news,2026:8", by=author("news.example.org"))))
    conversation = Conversation.objects.get()
    received = conversation.messages.get().received_at

    assert conversation.response_due_at == received + timedelta(minutes=30)
    assert conversation.awaiting_reply_since is None and not ResponseClock.objects.exists()
    do_change_status(actor=agent, conversation_id=conversation.pk, status=Status.RESOLVED)
    conversation.refresh_from_db()
    assert conversation.response_due_at is None
