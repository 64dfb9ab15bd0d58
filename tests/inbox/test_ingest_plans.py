"""Each page's lookups (stored posts, existing threads) probe for its own keys, however many the account holds."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from inbox.services.ingest import ingest_batch
from inbox.services.ingest_store import known_ids_lookup, lock_threads
from tests.inbox.ingest_helpers import batch, make_account, post
from tests.inbox.plans import analysed_plan, rows_read

PAGE = 100
STORED_PAGES = 30


@pytest.mark.django_db
def test_the_known_ids_lookup_reads_the_page_not_the_account(brand):
    account = make_account(brand)
    with connection.cursor() as cursor:
        # Statistics from before the account stored anything, as autovacuum leaves them for a while.
        cursor.execute("ANALYZE inbox_message")
    for page in range(STORED_PAGES):
        posts = [post(str(page * PAGE + n)) for n in range(PAGE)]
        ingest_batch(account=account, stream="mentions", result=batch(*posts))
    # The next page: half of it stored already (fetched again), half new.
    ids = [str(n) for n in range(STORED_PAGES * PAGE - PAGE // 2, (STORED_PAGES + 1) * PAGE - PAGE // 2)]
    lookup = known_ids_lookup(account, ids)
    plan = analysed_plan(lookup.sql, lookup.params)
    # A probe per id of the page (EXPLAIN rounds each loop's rows), not the 3,000 messages stored.
    assert rows_read(plan, "inbox_message") <= PAGE, json.dumps(plan, indent=1)
    with connection.cursor() as cursor:
        cursor.execute(lookup.sql, lookup.params)
        assert sorted(external_id for (external_id,) in cursor.fetchall()) == sorted(ids[: PAGE // 2])


@pytest.mark.django_db
def test_locking_the_page_threads_reads_the_page_not_the_account(brand):
    other, account = make_account(brand, external_id="other"), make_account(brand)
    ingest_batch(account=other, stream="mentions", result=batch(*(post(f"other-{n}") for n in range(PAGE))))
    with connection.cursor() as cursor:
        # Statistics from before this account had any conversation, as autovacuum leaves them for a while.
        cursor.execute("ANALYZE inbox_conversation")
    for page in range(STORED_PAGES):
        posts = [post(str(page * PAGE + n)) for n in range(PAGE)]  # each post a thread of its own
        ingest_batch(account=account, stream="mentions", result=batch(*posts))
    keys = [str(n) for n in range(STORED_PAGES * PAGE - PAGE // 2, (STORED_PAGES + 1) * PAGE - PAGE // 2)]
    lock = lock_threads(account, [(key, "u1") for key in keys])  # each post by the helpers' default author
    plan = analysed_plan(lock.sql, lock.params)
    # A probe per key, then the threads found by id: not the 3,000 conversations the account holds.
    assert rows_read(plan, "inbox_conversation") <= 2 * PAGE, json.dumps(plan, indent=1)
    with connection.cursor() as cursor:
        cursor.execute(lock.sql, lock.params)
        assert sorted(row[0] for row in cursor.fetchall()) == sorted(keys[: PAGE // 2])
