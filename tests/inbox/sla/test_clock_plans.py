"""Starting a batch's clocks reads that batch's conversations' clocks only, however long the backlog."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from inbox.models import Direction, Message
from inbox.services.ingest import ingest_batch
from inbox.sla import services
from inbox.sla.models import Outcome
from tests.inbox.ingest_helpers import author, batch, make_account, post
from tests.inbox.plans import analysed_plan, rows_read

BACKLOG = 5_000
PAGE = 100

# Other conversations, each with a clock in the given outcome.
SEED_CLOCKS = """
WITH conversations AS (
    INSERT INTO inbox_conversation (brand_id, account_id, thread_key, visibility, subject, status, language,
        sentiment, priority, first_inbound_at, last_inbound_at, last_message_at, awaiting_reply_since,
        response_due_at, created_at, updated_at)
    SELECT %(brand)s, %(account)s, %(outcome)s || '-' || g, 'public', '', 'open', 'en', 'neutral', 0,
        now(), now(), now(), now(), now() + interval '2 hours', now(), now()
    FROM generate_series(1, %(count)s) AS g
    RETURNING id
)
INSERT INTO inbox_responseclock (conversation_id, brand_id, account_id, kind, started_at, platform_started_at,
    target_minutes, at_risk_at, due_at, outcome, listening_delay_seconds)
SELECT id, %(brand)s, %(account)s, 'first', now(), now(), 120, now() + interval '90 minutes',
    now() + interval '2 hours', %(outcome)s, 0
FROM conversations
"""


def _sizes_without_statistics(seed: dict) -> None:
    """The planner knows the tables as small and has no column statistics: a fresh install's first minutes.

    ANALYZE records table sizes in place, outside the transaction, and column statistics inside it: run in
    a savepoint that rolls back, it leaves exactly that.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SEED_CLOCKS, seed | {"count": 50, "outcome": Outcome.OPEN})
            cursor.execute("ANALYZE inbox_responseclock, inbox_conversation, inbox_message")
            raise _RolledBack
    except _RolledBack:
        pass


class _RolledBack(Exception):
    pass


@pytest.mark.django_db
def test_a_batch_reads_only_its_own_conversations_clocks(brand):
    account = make_account(brand)
    seed = {"brand": brand.pk, "account": account.pk}
    _sizes_without_statistics(seed)
    with connection.cursor() as cursor:
        cursor.execute(SEED_CLOCKS, seed | {"count": BACKLOG, "outcome": Outcome.OPEN})
    # A full page from X: a hundred posts, each a thread of its own.
    page = [post(str(n), by=author(f"u{n}"), minutes=n) for n in range(PAGE)]
    ingest_batch(account=account, stream="mentions", result=batch(*page))
    message_ids = list(Message.objects.filter(direction=Direction.INBOUND).values_list("pk", flat=True))
    plan = analysed_plan(services._WAITS, services._waits_params(message_ids))
    # A hundred conversations, each with its one open clock: a hundred rows, not the backlog for each
    # (a plain join read 510,000 here; a probe by outcome, 505,100: the brand's open clocks, filtered).
    assert rows_read(plan, "inbox_responseclock") <= PAGE, json.dumps(plan, indent=1)
