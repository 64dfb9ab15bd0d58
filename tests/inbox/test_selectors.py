"""The queue: each filter, combinations, sorts, keyset pages under inserts, counts, query counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import Conversation, Sentiment, Status
from inbox.selectors import (
    QueueFilters,
    SlaState,
    Sort,
    queue_counts,
    queue_page,
    queue_rows,
)
from inbox.services import workflow
from inbox.sla.selectors import with_sla_state
from inbox.sla.services import set_policy
from monitoring.models import Platform
from tests.conftest import PASSWORD
from tests.inbox.factories import AccountFactory, AuthorFactory, ConversationFactory, conversation_with_message
from tests.inbox.sla.helpers import channel, conversation, reply

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def ids(page_or_rows) -> list[int]:
    rows = page_or_rows.rows if hasattr(page_or_rows, "rows") else page_or_rows
    return [row.pk for row in rows]


def page(user, now=NOW, **filters):
    return queue_page(user, QueueFilters(**filters), now=now)


@pytest.fixture
def other_brand(db):
    return add_brand(slug="globex", name="Globex", time_zone="UTC")


def test_queue_holds_only_the_users_brands(agent, brand, other_brand):
    mine = ConversationFactory(brand=brand)
    ConversationFactory(brand=other_brand)
    assert ids(page(agent)) == [mine.pk]


def test_default_sort_is_oldest_unanswered_first_with_no_deadline_last(agent, brand):
    later = ConversationFactory(brand=brand, response_due_at=NOW + dt.timedelta(hours=2))
    none = ConversationFactory(brand=brand, response_due_at=None)
    sooner = ConversationFactory(brand=brand, response_due_at=NOW - dt.timedelta(minutes=5))
    assert ids(page(agent)) == [sooner.pk, later.pk, none.pk]


def test_newest_and_priority_sorts(agent, brand):
    old = ConversationFactory(brand=brand, last_message_at=NOW - dt.timedelta(hours=3), priority=2)
    new = ConversationFactory(brand=brand, last_message_at=NOW, priority=0)
    mid = ConversationFactory(brand=brand, last_message_at=NOW - dt.timedelta(hours=1), priority=1)
    assert ids(page(agent, sort=Sort.NEWEST)) == [new.pk, mid.pk, old.pk]
    assert ids(page(agent, sort=Sort.PRIORITY)) == [old.pk, mid.pk, new.pk]


def test_status_filter_defaults_to_open_work(agent, brand):
    new = ConversationFactory(brand=brand, status=Status.NEW)
    opened = ConversationFactory(brand=brand, status=Status.OPEN)
    resolved = ConversationFactory(brand=brand, status=Status.RESOLVED)
    assert set(ids(page(agent))) == {new.pk, opened.pk}
    assert ids(page(agent, status="resolved")) == [resolved.pk]
    assert set(ids(page(agent, status="all"))) == {new.pk, opened.pk, resolved.pk}


def test_assignee_filters(agent, brand):
    colleague = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=colleague)
    mine = ConversationFactory(brand=brand, assignee=agent)
    theirs = ConversationFactory(brand=brand, assignee=colleague)
    nobody = ConversationFactory(brand=brand)
    assert ids(page(agent, assignee="me")) == [mine.pk]
    assert ids(page(agent, assignee="unassigned")) == [nobody.pk]
    assert ids(page(agent, assignee=str(colleague.pk))) == [theirs.pk]
    assert len(ids(page(agent, assignee="anyone"))) == 3


def test_brand_channel_sentiment_language_priority_filters_combine(agent, brand, other_brand):
    add_member(brand=other_brand, user=agent)
    facebook = AccountFactory(brand=brand, platform=Platform.FACEBOOK)
    target = ConversationFactory(brand=brand, account=facebook, sentiment=Sentiment.NEGATIVE, language="fr", priority=3)
    ConversationFactory(brand=brand, account=facebook, sentiment=Sentiment.NEGATIVE, language="en", priority=3)
    ConversationFactory(brand=brand, sentiment=Sentiment.NEGATIVE, language="fr", priority=3)
    ConversationFactory(brand=brand, account=facebook, sentiment=Sentiment.POSITIVE, language="fr", priority=3)
    ConversationFactory(brand=brand, account=facebook, sentiment=Sentiment.NEGATIVE, language="fr", priority=0)
    ConversationFactory(brand=other_brand, sentiment=Sentiment.NEGATIVE, language="fr", priority=3)
    combined = page(agent, brand=brand.pk, channel="facebook", sentiment="negative", language="fr", min_priority=2)
    assert ids(combined) == [target.pk]
    assert len(ids(page(agent, brand=other_brand.pk))) == 1


def test_tag_and_team_filters(agent, brand):
    tagged = ConversationFactory(brand=brand)
    ConversationFactory(brand=brand)
    tag = workflow.do_add_tag(actor=agent, conversation_id=tagged.pk, name="refund")
    assert ids(page(agent, tag=tag.pk)) == [tagged.pk]


def test_matched_query_filter(agent, brand):
    from inbox.models import Message
    from monitoring.models import MessageQueryMatch, MonitoredQuery

    matched = conversation_with_message(brand, text="the espresso is cold")
    conversation_with_message(brand, text="hello")
    query = MonitoredQuery.objects.create(brand=brand, name="Cold coffee", query="espresso")
    message = Message.objects.get(conversation=matched)
    MessageQueryMatch.objects.create(message=message, query=query, conversation=matched, matched_at=NOW)
    assert ids(page(agent, matched_query=query.pk)) == [matched.pk]


def test_queue_sla_state_is_the_sla_modules_state(agent, brand):
    # Not the brand's plain target: at risk after half of 60 minutes, counted in business hours only.
    set_policy(brand=brand, first_response_minutes=60, hours=["mon-fri 09:00-17:00"], holidays=[], at_risk_percent=50)
    x = channel(brand)
    la = ZoneInfo("America/Los_Angeles")
    now = dt.datetime(2026, 11, 23, 9, 31, tzinfo=la)  # Monday morning
    waits = {
        # 10 business minutes on Friday, 21 this morning: past half the target, 19 minutes before it is due.
        SlaState.AT_RISK: conversation(x, received=dt.datetime(2026, 11, 20, 16, 50, tzinfo=la)),
        # Written before opening time: the clock started at 09:00, at risk from 09:30.
        "before opening": conversation(x, received=dt.datetime(2026, 11, 23, 7, 0, tzinfo=la)),
        SlaState.ON_TRACK: conversation(x, received=dt.datetime(2026, 11, 23, 9, 20, tzinfo=la)),
        SlaState.BREACHED: conversation(x, received=dt.datetime(2026, 11, 20, 15, 0, tzinfo=la)),
        SlaState.NONE: conversation(x, received=dt.datetime(2026, 11, 20, 15, 0, tzinfo=la)),
    }
    reply(waits[SlaState.NONE], at=dt.datetime(2026, 11, 20, 15, 30, tzinfo=la), by=agent)
    module = dict(with_sla_state(Conversation.objects.all(), now=now).values_list("pk", "sla_state"))
    assert module[waits[SlaState.AT_RISK].pk] == module[waits["before opening"].pk] == SlaState.AT_RISK
    assert all(module[c.pk] == state for state, c in waits.items() if state != "before opening")

    shown = {row.pk: row.sla_state for row in page(agent, now=now, status="all").rows}
    assert shown == module
    for state in SlaState:
        assert set(ids(page(agent, now=now, status="all", sla=state))) == {
            pk for pk, in_state in module.items() if in_state == state
        }, state
    counts = queue_counts(agent, QueueFilters(status="all"), now)
    assert {state: counts[f"sla_{state.value}"] for state in SlaState} == {
        state: list(module.values()).count(state) for state in SlaState
    }


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Mon café est froid", "cafe"),
        ("ÉNORME problème de livraison", "enorme probleme"),
        ("Refunds please", "refun"),
        ("Łódź store closed", "lodz"),
        ("Der Kaffee ist kalt", "KAFFEE"),
    ],
)
def test_search_finds_message_text_across_accents_and_case(agent, brand, text, query):
    hit = conversation_with_message(brand, text=text)
    conversation_with_message(brand, text="Something unrelated")
    assert ids(page(agent, search=query)) == [hit.pk]


def test_search_finds_the_author_by_handle_or_name(agent, brand):
    hit = conversation_with_message(brand, author=AuthorFactory(handle="jose_r", name="José Álvarez"))
    conversation_with_message(brand)
    assert ids(page(agent, search="alvarez")) == [hit.pk]
    assert ids(page(agent, search="jose_r")) == [hit.pk]


def test_search_ignores_tsquery_syntax_in_input(agent, brand):
    hit = conversation_with_message(brand, text="late order")
    assert ids(page(agent, search="late & | ! ( ' :*")) == [hit.pk]
    assert ids(page(agent, search="&|!")) == [hit.pk]  # no words: no search filter


def _walk(user, filters: QueueFilters, limit: int, between_pages=None) -> list[int]:
    seen, cursor = [], None
    while True:
        result = queue_page(user, filters, now=NOW, cursor=cursor, limit=limit)
        seen += ids(result)
        if between_pages:
            between_pages()
        if result.next_cursor is None:
            return seen
        cursor = result.next_cursor


@pytest.mark.parametrize("sort", list(Sort))
def test_keyset_pages_cover_every_row_once_even_when_rows_arrive_meanwhile(agent, brand, sort):
    base = NOW - dt.timedelta(hours=5)
    existing = []
    for n in range(23):
        # Ties on every sort key (same due time, same time, same priority) test the id tie-breaker.
        existing.append(
            ConversationFactory(
                brand=brand,
                response_due_at=None if n % 5 == 0 else base + dt.timedelta(minutes=n // 3),
                last_message_at=base + dt.timedelta(minutes=n // 4),
                priority=n % 3,
            ).pk
        )

    def insert():
        ConversationFactory(brand=brand, response_due_at=base - dt.timedelta(days=1), last_message_at=base)

    seen = _walk(agent, QueueFilters(sort=sort), limit=4, between_pages=insert)
    assert len(seen) == len(set(seen))
    assert set(existing) <= set(seen)


def test_keyset_order_matches_full_sort(agent, brand):
    for n in range(12):
        ConversationFactory(
            brand=brand, response_due_at=None if n % 4 == 0 else NOW + dt.timedelta(minutes=n % 3), priority=n % 2
        )
    for sort in Sort:
        full = ids(queue_page(agent, QueueFilters(sort=sort), now=NOW, limit=100))
        assert _walk(agent, QueueFilters(sort=sort), limit=5) == full


def test_a_cursor_from_another_sort_is_refused(agent, brand):
    with pytest.raises(ValueError, match="not valid"):
        queue_page(agent, QueueFilters(sort=Sort.PRIORITY), now=NOW, cursor="123.4")


def test_page_costs_the_same_queries_whatever_its_size(agent, brand, django_assert_num_queries):
    def fill(count):
        for _ in range(count):
            conversation = conversation_with_message(brand)
            workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="vip")

    fill(2)
    # brand ids, then the rows (author, account, brand, assignee joined; tags and snippet as subqueries)
    with django_assert_num_queries(2):
        first = queue_page(agent, QueueFilters(search="order"), now=NOW)
    fill(10)
    with django_assert_num_queries(2):
        second = queue_page(agent, QueueFilters(search="order"), now=NOW)
    assert len(first.rows) == 2 and len(second.rows) == 12
    assert second.rows[0].snippet == "Hello, my order is late"
    assert second.rows[0].tag_names == ["vip"]


def test_counts_break_down_by_status_assignee_and_sla_in_one_grouped_query(agent, brand, django_assert_num_queries):
    """One grouped query (after the brand ids and the planner setting for it)."""
    ConversationFactory(brand=brand, status=Status.NEW, assignee=agent, response_due_at=NOW - dt.timedelta(minutes=1))
    ConversationFactory(brand=brand, status=Status.OPEN)
    ConversationFactory(brand=brand, status=Status.RESOLVED, response_due_at=None)
    with django_assert_num_queries(3):
        counts = queue_counts(agent, QueueFilters(), NOW)
    assert counts["status_open_work"] == 2
    assert counts["status_resolved"] == 1
    assert counts["status_all"] == 3
    assert counts["assignee_me"] == 1  # within open work, the current status filter
    assert counts["assignee_unassigned"] == 1
    assert counts["sla_breached"] == 1
    assert counts["sla_on_track"] == 1


CHOSEN_FILTERS = [
    QueueFilters(),
    QueueFilters(status="all", assignee="me"),
    QueueFilters(assignee="unassigned", sla=SlaState.BREACHED),
]


@pytest.mark.parametrize("chosen", CHOSEN_FILTERS)
def test_each_count_is_what_clicking_it_shows(agent, brand, chosen):
    colleague = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=colleague)
    dues = [NOW - dt.timedelta(minutes=5), NOW + dt.timedelta(hours=1), None]
    for n in range(6 * 3 * 3):  # every status x assignee x due time
        ConversationFactory(
            brand=brand,
            status=Status.values[n % 6],
            assignee=[agent, colleague, None][n // 6 % 3],
            response_due_at=dues[n // 18],
        )
    counts = queue_counts(agent, chosen, NOW)
    clicked = {f"status_{status}": replace(chosen, status=status) for status in ["open_work", *Status.values, "all"]}
    clicked |= {f"assignee_{who}": replace(chosen, assignee=who) for who in ["me", "unassigned", "anyone"]}
    clicked |= {f"sla_{state.value}": replace(chosen, sla=state) for state in SlaState}
    assert counts == {name: len(queue_page(agent, f, now=NOW, limit=100).rows) for name, f in clicked.items()}
    assert sum(counts[f"status_{status}"] for status in Status.values) == counts["status_all"] > 0


def test_live_rows_return_only_what_the_filters_still_match(agent, brand):
    mine = ConversationFactory(brand=brand, assignee=agent)
    other = ConversationFactory(brand=brand)
    rows = queue_rows(agent, QueueFilters(assignee="me"), ids=[mine.pk, other.pk], now=timezone.now())
    assert ids(rows) == [mine.pk]


def test_rows_carry_brand_assignee_and_team_without_more_queries(agent, brand, django_assert_num_queries):
    from brands.models import Brand, Team

    team = Team.objects.create(brand=brand, name="Care")
    ConversationFactory(brand=brand, assignee=agent, team=team)
    row = page(agent).rows[0]
    with django_assert_num_queries(0):
        assert (row.brand.name, row.assignee.username, row.team.name) == ("Acme Coffee", "agent", "Care")
    Brand.objects.filter(pk=brand.pk).update(first_response_target_minutes=45)
    with django_assert_num_queries(1):
        # A field the page did not read is fetched when asked, never a model default.
        assert row.brand.first_response_target_minutes == 45
