"""The per-minute counts the detector reads: kept after ingest commits, read as hourly and recent sums."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection, transaction

from crisis.detection import HISTORY_WEEKS, LOOKBACK_MINUTES

# One statement: the batch is claimed (a second run of the same batch finds the claim and adds nothing),
# its inbound messages counted per minute of posting, for all channels and per monitored query matched.
_COUNT_BATCH = """
WITH claim AS (
    INSERT INTO crisis_countedbatch (first_message_id, counted_at) VALUES (%(first)s, now())
    ON CONFLICT DO NOTHING RETURNING 1
), batch AS (
    SELECT m.id, c.brand_id, m.sentiment,
           date_trunc('minute', LEAST(m.platform_time, m.received_at)) AS minute
    FROM inbox_message m JOIN inbox_conversation c ON c.id = m.conversation_id
    WHERE m.id = ANY(%(ids)s) AND m.direction = 'in' AND EXISTS (SELECT FROM claim)
), counted AS (
    SELECT brand_id, 0::bigint AS query_id, minute, count(*) AS mentions,
           count(*) FILTER (WHERE sentiment = 'negative') AS negative
    FROM batch GROUP BY brand_id, minute
    UNION ALL
    SELECT batch.brand_id, q.query_id, batch.minute, count(*), count(*) FILTER (WHERE batch.sentiment = 'negative')
    FROM batch JOIN monitoring_messagequerymatch q ON q.message_id = batch.id
    GROUP BY batch.brand_id, q.query_id, batch.minute
)
INSERT INTO crisis_minutecount (brand_id, query_id, minute, mentions, negative)
SELECT brand_id, query_id, minute, mentions, negative FROM counted
ORDER BY brand_id, minute, query_id
ON CONFLICT (brand_id, minute, query_id) DO UPDATE
SET mentions = crisis_minutecount.mentions + EXCLUDED.mentions,
    negative = crisis_minutecount.negative + EXCLUDED.negative
"""


@transaction.atomic
def count_batch(*, message_ids: Sequence[int]) -> None:
    """Add a committed ingest batch to the minute counts; idempotent (the batch is known by its first id)."""
    if not message_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_BATCH, {"first": min(message_ids), "ids": list(message_ids)})


def forget_counted_batches(*, before: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM crisis_countedbatch WHERE counted_at < %s", [before])


Hourly = dict[int, dict[str, dict[datetime, float]]]  # query_id -> kind -> hour -> count


def hourly_counts(*, brand_id: int, until: datetime) -> Hourly:
    """Hourly sums of the last weeks before `until`, per query (0: all channels) and kind."""
    hourly: Hourly = defaultdict(lambda: {"volume": {}, "negative": {}})
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT query_id, date_trunc('hour', minute) AS hour, sum(mentions), sum(negative)
               FROM crisis_minutecount WHERE brand_id = %s AND minute >= %s AND minute < %s
               GROUP BY query_id, hour""",
            [brand_id, until - timedelta(weeks=HISTORY_WEEKS, days=1), until],
        )
        for query_id, hour, mentions, negative in cursor.fetchall():
            hourly[query_id]["volume"][hour] = float(mentions)
            hourly[query_id]["negative"][hour] = float(negative)
    return hourly


def recent_counts(*, brand_id: int, now: datetime) -> dict[int, dict[str, list[int]]]:
    """The last LOOKBACK_MINUTES minutes before `now`, oldest first, per query (0: all channels) and kind."""
    first = now - timedelta(minutes=LOOKBACK_MINUTES)
    recent: dict[int, dict[str, list[int]]] = defaultdict(
        lambda: {"volume": [0] * LOOKBACK_MINUTES, "negative": [0] * LOOKBACK_MINUTES}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT query_id, minute, mentions, negative FROM crisis_minutecount
               WHERE brand_id = %s AND minute >= %s AND minute < %s""",
            [brand_id, first, now],
        )
        for query_id, minute, mentions, negative in cursor.fetchall():
            index = int((minute - first) / timedelta(minutes=1))
            recent[query_id]["volume"][index] = mentions
            recent[query_id]["negative"][index] = negative
    return recent


def history_start(*, brand_id: int) -> datetime | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(minute) FROM crisis_minutecount WHERE brand_id = %s", [brand_id])
        row = cursor.fetchone()
    return row[0] if row else None
