"""Backtests: the detector replayed over a brand's stored messages or over a CSV series of minutes."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection

from crisis.detection import HISTORY_WEEKS
from crisis.replay import Alert, replay

MINUTE = timedelta(minutes=1)


class SeriesError(ValueError):
    """A CSV series that cannot be read: the message says which line and why."""


def parse_minute(text: str, line: int = 0) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise SeriesError(f"line {line}: {text!r} is not an ISO 8601 time") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def _count(text: str, line: int, column: str) -> int:
    try:
        value = int(text.strip() or 0)
    except ValueError as error:
        raise SeriesError(f"line {line}: {column} {text!r} is not a whole number") from error
    if value < 0:
        raise SeriesError(f"line {line}: {column} is negative")
    return value


def read_series(rows: Iterable[str]) -> dict[datetime, tuple[int, int]]:
    """`minute,mentions,negative` rows (a header first); minutes without a row count as zero."""
    reader = csv.DictReader(rows)
    if not reader.fieldnames or not {"minute", "mentions", "negative"} <= {name.strip() for name in reader.fieldnames}:
        raise SeriesError("the header must be minute,mentions,negative")
    series: dict[datetime, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in reader:
        line = reader.line_num
        row = {(key or "").strip(): value for key, value in row.items()}
        minute = parse_minute(row["minute"] or "", line)
        mentions, negative = (
            _count(row["mentions"] or "", line, "mentions"),
            _count(row["negative"] or "", line, "negative"),
        )
        if negative > mentions:
            raise SeriesError(f"line {line}: more negative mentions than mentions")
        before = series[minute]
        series[minute] = (before[0] + mentions, before[1] + negative)
    return dict(series)


def backtest_series(series: dict[datetime, tuple[int, int]], *, sensitivity: str) -> list[Alert]:
    if not series:
        return []
    return replay({"all": series}, sensitivity=sensitivity, since=min(series), until=max(series))


_BRAND_SERIES = """
SELECT 0::bigint, date_trunc('minute', LEAST(m.platform_time, m.received_at)) AS minute, count(*),
       count(*) FILTER (WHERE m.sentiment = 'negative')
FROM inbox_message m JOIN inbox_conversation c ON c.id = m.conversation_id
WHERE c.brand_id = %(brand)s AND m.direction = 'in' AND m.platform_time >= %(since)s AND m.platform_time < %(until)s
GROUP BY minute
UNION ALL
SELECT q.query_id, date_trunc('minute', LEAST(m.platform_time, m.received_at)) AS minute, count(*),
       count(*) FILTER (WHERE m.sentiment = 'negative')
FROM inbox_message m JOIN monitoring_messagequerymatch q ON q.message_id = m.id
JOIN inbox_conversation c ON c.id = m.conversation_id
WHERE c.brand_id = %(brand)s AND m.direction = 'in' AND m.platform_time >= %(since)s AND m.platform_time < %(until)s
GROUP BY q.query_id, minute
"""


def _brand_series(brand_id: int, since: datetime, until: datetime) -> dict[str, dict[datetime, tuple[int, int]]]:
    series: dict[str, dict[datetime, tuple[int, int]]] = {"all": {}}
    with connection.cursor() as cursor:
        cursor.execute(_BRAND_SERIES, {"brand": brand_id, "since": since, "until": until})
        for query_id, moment, mentions, negative in cursor.fetchall():
            scope = "all" if query_id == 0 else f"query:{query_id}"
            series.setdefault(scope, {})[moment] = (mentions, negative)
    return series


def backtest_brand(*, brand_id: int, start: datetime, end: datetime, sensitivity: str) -> list[Alert]:
    """Alerts detected in [start, end), the detector having learned from the weeks before `start`."""
    history = start - timedelta(weeks=HISTORY_WEEKS)
    series = _brand_series(brand_id, history, end)
    first = min((minute for scope in series.values() for minute in scope), default=start)
    return replay(series, sensitivity=sensitivity, since=min(first, start), until=end - MINUTE, report_from=start)
