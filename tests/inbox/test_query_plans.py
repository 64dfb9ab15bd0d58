"""The queue's queries use indexes on a seeded, analysed table (no enable_seqscan tricks)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.selectors import QueueFilters, Sort, queue_page
from tests.conftest import PASSWORD
from tests.inbox.factories import AccountFactory

# Conversations themselves, not inbox_conversationtag (a page's tag subquery may scan that small table).
SEQ_SCAN_OF_CONVERSATIONS = re.compile(r"Seq Scan on inbox_conversation\b")

# One worker seeds the tables once for all of them.
pytestmark = pytest.mark.xdist_group("query_plans")

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
CONVERSATIONS = 100_000

SEED_CONVERSATIONS = """
INSERT INTO inbox_conversation (brand_id, account_id, thread_key, visibility, subject, status, language,
    sentiment, priority, first_inbound_at, last_inbound_at, last_message_at, awaiting_reply_since,
    response_due_at, created_at, updated_at)
SELECT CASE WHEN g %% 2 = 0 THEN %(mine)s ELSE %(theirs)s END,
       CASE WHEN g %% 2 = 0 THEN %(my_account)s ELSE %(their_account)s END,
       'seed-' || g, 'public', '',
       (ARRAY['new','open','pending','resolved','resolved','resolved'])[1 + g %% 6],
       (ARRAY['en','fr','de'])[1 + g %% 3], 'neutral', g %% 4,
       %(now)s - make_interval(mins => g), %(now)s - make_interval(mins => g),
       %(now)s - make_interval(mins => g), %(now)s - make_interval(mins => g),
       CASE WHEN g %% 6 < 2 THEN %(now)s - make_interval(mins => g) + interval '2 hours' END,
       %(now)s, %(now)s
FROM generate_series(1, %(count)s) AS g
"""

# One message per conversation; the message trigger gives each conversation its words.
SEED_MESSAGES = """
INSERT INTO inbox_message (conversation_id, account_id, external_id, direction, visibility, in_reply_to, text,
    url, platform_time, received_at, language, sentiment, priority, raw, is_automated, delivery_status,
    delivery_error, created_at, matched_query)
SELECT c.id, c.account_id, 'm-' || c.id, 'in', 'public', '',
       (ARRAY['my order is late', 'great coffee today', 'refund please', 'café froid'])[1 + c.id %% 4]
         || ' ' || md5(c.id::text),
       '', c.last_message_at, c.last_message_at, 'en', 'neutral', 0, '{}', false, '', '', %(now)s, false
FROM inbox_conversation AS c
WHERE c.thread_key LIKE 'seed-%%'
"""


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The seeded, analysed tables, built once for the module in a transaction that is rolled back after its
    last test; each test runs in a savepoint inside it (pytest-django skips the class-level transaction that
    would close the connection)."""
    with django_db_blocker.unblock(), transaction.atomic():
        brand = add_brand(slug="acme", name="Acme Coffee", time_zone="America/Los_Angeles")
        agent = create_user(username="agent", password=PASSWORD, role=Role.AGENT)
        add_member(brand=brand, user=agent)
        other = add_brand(slug="other", name="Other")
        mine, theirs = AccountFactory(brand=brand), AccountFactory(brand=other)
        with connection.cursor() as cursor:
            seed = {
                "mine": brand.pk,
                "theirs": other.pk,
                "my_account": mine.pk,
                "their_account": theirs.pk,
                "now": NOW,
                "count": CONVERSATIONS,
            }
            cursor.execute(SEED_CONVERSATIONS, seed)
            # Earlier tests' rolled-back rows leave pages that ANALYZE counts as an empty table; planned on
            # that, the message trigger's join scans the conversations once per message (hours for 100,000).
            # Counted now, with this transaction's rows, the join is planned for what is there.
            cursor.execute("ANALYZE inbox_conversation")
            cursor.execute(SEED_MESSAGES, seed)
            cursor.execute("ANALYZE inbox_conversation; ANALYZE inbox_message; ANALYZE inbox_author;")
            # The seeded rows' deferred foreign-key checks, run once here: left pending, every test's teardown
            # (Django checks constraints before rolling back) would run them again in its savepoint.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED;")
        yield agent
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def page_queryset(user, filters: QueueFilters, cursor: str | None = None):
    """The page query as queue_page runs it, captured for EXPLAIN."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        queue_page(user, filters, now=NOW, cursor=cursor)
    return next(q["sql"] for q in captured.captured_queries if 'FROM "inbox_conversation"' in q["sql"])


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_default_queue_page_walks_the_urgency_index(seeded):
    plan = explain(page_queryset(seeded, QueueFilters()))
    assert "conv_open_work_due" in plan, plan
    # Rows come out of the index in order: no sorting of the backlog (only of a row's few tag names).
    assert not re.search(r"Sort Key: .*inbox_conversation", plan), plan


def test_deeper_keyset_page_reads_conversations_through_an_index(seeded):
    first = queue_page(seeded, QueueFilters(), now=NOW)
    plan = explain(page_queryset(seeded, QueueFilters(), cursor=first.next_cursor))
    # The planner may walk the urgency index or the brand's (brand, status, due) index: either way no seq scan.
    assert not SEQ_SCAN_OF_CONVERSATIONS.search(plan), plan
    assert re.search(r"Index Scan (using|on) (conv_open_work_due|conv_queue_due)", plan), plan


def test_newest_sort_walks_its_index(seeded):
    plan = explain(page_queryset(seeded, QueueFilters(sort=Sort.NEWEST)))
    # Open work's newest index or the brand's (brand, newest) index, which one depends on the sampled
    # statistics (each seeded conversation is written twice: inserted, then given its words); both walk
    # the rows in the page's order, so nothing sorts the backlog.
    assert re.search(r"Index Scan (Backward )?using (conv_open_work_newest|conv_queue_newest)", plan), plan
    assert not SEQ_SCAN_OF_CONVERSATIONS.search(plan), plan
    assert not re.search(r"Sort Key: .*inbox_conversation", plan), plan


def test_search_uses_the_gin_index_on_message_text(seeded):
    plan = explain(page_queryset(seeded, QueueFilters(search="cafe", status="all")))
    assert "conv_search" in plan, plan


@pytest.mark.parametrize(
    ("filters", "indexes"),
    [
        (QueueFilters(status="resolved"), "conv_other_status_due"),
        (QueueFilters(status="pending"), "conv_other_status_due"),
        (QueueFilters(status="all", sort=Sort.NEWEST), "conv_newest|conv_queue_newest"),
        (QueueFilters(status="resolved", sort=Sort.NEWEST), "conv_newest|conv_queue_newest"),
        (QueueFilters(sort=Sort.PRIORITY), "conv_open_work_priority"),
    ],
)
def test_other_views_walk_an_index_in_their_order(seeded, filters, indexes):
    plan = explain(page_queryset(seeded, filters))
    assert re.search(rf"Index Scan (Backward )?using ({indexes})", plan), plan
    assert not re.search(r"Sort Key: .*inbox_conversation", plan), plan
