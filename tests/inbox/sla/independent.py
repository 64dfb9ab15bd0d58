"""Every aggregated dashboard figure computed straight from inbox_responseclock in SQL, for comparison.

Written apart from the app's code (no rollups, no cube, no shared helpers): percentile_cont, FILTER and
AT TIME ZONE over the clocks of the window, narrowed by the same filters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection

from inbox.sla.selectors import Dashboard

_WHERE = """
FROM inbox_responseclock AS clock
WHERE clock.brand_id = %(brand)s AND clock.started_at >= %(first)s AND clock.started_at < %(after)s
  AND (%(account)s::bigint IS NULL OR clock.account_id = %(account)s)
  AND (%(people)s::bigint[] IS NULL OR clock.responder_id = ANY(%(people)s)
       OR (clock.outcome = 'open' AND clock.conversation_id IN (
           SELECT id FROM inbox_conversation WHERE assignee_id = ANY(%(people)s))))
"""
_RATES = """
count(*) FILTER (WHERE kind = 'first'),
count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered'),
count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered' AND stopped_at <= due_at),
count(*) FILTER (WHERE kind = 'first' AND (outcome = 'answered' OR (outcome = 'open' AND due_at <= %(now)s))),
percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds) FILTER (WHERE kind = 'first' AND outcome = 'answered'),
percentile_cont(0.9) WITHIN GROUP (ORDER BY business_seconds) FILTER (WHERE kind = 'first' AND outcome = 'answered')
"""
_FIRST_ANSWERED = "FILTER (WHERE kind = 'first' AND outcome = 'answered')"
_NEXT_ANSWERED = "FILTER (WHERE kind = 'next' AND outcome = 'answered')"
SUMMARY = f"""
SELECT {_RATES},
       count(*) FILTER (WHERE (outcome = 'answered' AND stopped_at > due_at)
                           OR (outcome = 'open' AND due_at <= %(now)s)),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY response_seconds) {_FIRST_ANSWERED},
       percentile_cont(0.5) WITHIN GROUP (ORDER BY response_seconds_platform) {_FIRST_ANSWERED},
       count(*) FILTER (WHERE kind = 'next'),
       count(*) FILTER (WHERE kind = 'next' AND outcome = 'answered'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds) {_NEXT_ANSWERED},
       percentile_cont(0.9) WITHIN GROUP (ORDER BY business_seconds) {_NEXT_ANSWERED},
       count(*) FILTER (WHERE outcome = 'closed'),
       count(*) FILTER (WHERE automated_ack_at IS NOT NULL),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY automated_ack_seconds),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY listening_delay_seconds),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY listening_delay_seconds)
{_WHERE}
"""
AGENTS = f"""
SELECT responder_id, {_RATES} {_WHERE}
GROUP BY responder_id HAVING count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered') > 0
ORDER BY responder_id NULLS LAST
"""
CHANNELS = f"SELECT account_id, {_RATES} {_WHERE} GROUP BY account_id ORDER BY account_id"
HEATMAP = f"""
SELECT extract(isodow FROM started_at AT TIME ZONE %(zone)s)::int,
       extract(hour FROM started_at AT TIME ZONE %(zone)s)::int,
       {_RATES} {_WHERE}
GROUP BY 1, 2 ORDER BY 1, 2
"""  # noqa: S608  (test constants)
TREND = f"SELECT (started_at AT TIME ZONE %(zone)s)::date, {_RATES} {_WHERE} GROUP BY 1 ORDER BY 1"

_RATE_KEYS = ("received", "answered", "within_target", "decided", "median_first_seconds", "p90_first_seconds")
_SUMMARY_KEYS = (
    *_RATE_KEYS,
    "breaches",
    "median_first_calendar_seconds",
    "median_first_platform_seconds",
    "next_received",
    "next_answered",
    "median_next_seconds",
    "p90_next_seconds",
    "closed_unanswered",
    "acknowledged",
    "median_ack_seconds",
    "median_listening_delay_seconds",
    "p90_listening_delay_seconds",
)


def independent_figures(board: Dashboard, now: datetime) -> dict[str, Any]:
    """The SQL's figures for the board's filters, shaped like the board's (rows of tuples, keys first)."""
    filters = board.filters
    first, after = filters.window
    people = sorted(filters.people) if filters.people is not None else None
    params: dict[str, Any] = {
        "brand": filters.brand.pk,
        "first": first,
        "after": after,
        "now": now,
        "zone": filters.brand.audience_time_zone,
        "account": filters.account_id,
        "people": people,
    }
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY, params)
        summary = dict(zip(_SUMMARY_KEYS, cursor.fetchone(), strict=True))
        tables = {}
        for name, sql in (("agents", AGENTS), ("channels", CHANNELS), ("heatmap", HEATMAP), ("trend", TREND)):
            cursor.execute(sql, params)
            tables[name] = cursor.fetchall()
    return {"summary": summary, **tables}


def board_figures(board: Dashboard) -> dict[str, Any]:
    """The board's aggregated figures in the shape of independent_figures."""
    keys = {"agents": ("responder_id",), "channels": ("account_id",), "heatmap": ("weekday", "hour"), "trend": ("day",)}
    tables = {
        name: [tuple(row[key] for key in (*keys[name], *_RATE_KEYS)) for row in getattr(board, name)] for name in keys
    }
    return {"summary": {key: board.summary[key] for key in _SUMMARY_KEYS}, **tables}
