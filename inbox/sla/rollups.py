"""Daily rollups of finished SLA clocks: one SQL cube builds them, and reads the days that are not rolled up.

The same statement (:data:`CUBE_SQL`) sums a set of clocks into cells keyed by local day, account, responder
and local hour (each also as ALL). It fills SlaRollupCell for complete days, and the dashboard runs it live
over what no rollup covers: waiting clocks, the current day, and days a change mark names. So the stored path
and the live path cannot disagree about what a figure means.

Who writes what: PostgreSQL marks the UTC hour of every finished clock inserted, changed or deleted in
SlaRollupChange (triggers of migration inbox 0010, so cascades and bulk loads are caught too); the
``inbox.sla.refresh_rollups`` beat task calls :func:`refresh` (marked days, then complete days not yet
rolled up); ``manage.py sla rollups`` calls :func:`rebuild_days` for any range.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from psycopg.pq import Format

from brands.models import Brand
from inbox.sla.models import ALL, Outcome, ResponseClock, SlaRollupCell, SlaRollupChange, SlaRollupDay

# Days older than this are rolled up only on request (manage.py sla rollups); the task keeps a month ready.
LOOKBACK_DAYS = 35
# Days one brand rebuilds per refresh run, so a new install or a time-zone change catches up in steps.
DAYS_PER_REFRESH = 7

_FIRST_ANSWERED = "w.kind = 'first' AND w.outcome = 'answered'"
_SERIES = {
    # name: (value column, which clocks, kept in hourly cells too)
    "first_seconds": ("business_seconds", _FIRST_ANSWERED, True),
    "first_calendar_seconds": ("response_seconds", _FIRST_ANSWERED, False),
    "first_platform_seconds": ("response_seconds_platform", _FIRST_ANSWERED, False),
    "next_seconds": ("business_seconds", "w.kind = 'next' AND w.outcome = 'answered'", False),
    "ack_seconds": ("automated_ack_seconds", "TRUE", False),
    "listening_delay_seconds": ("listening_delay_seconds", "TRUE", False),
}


def _series_sql(name: str) -> str:
    column, which, hourly = _SERIES[name]
    packed = f"string_agg(int4send(w.{column}), ''::bytea {{order_{column}}}) FILTER (WHERE {which})"
    return f"{packed} AS {name}" if hourly else f"CASE WHEN GROUPING(w.hour) = 1 THEN {packed} END AS {name}"


# Two placeholders come first, both `now` (a waiting clock is decided and breached once due); then the rows'.
# {rows} is the SQL of cube_rows(); {groups} is STORED_GROUPS or LIVE_GROUPS; {order_...} sorts the values
# (stored cells) or not (live cells: Python sorts the few values of a day faster than PostgreSQL's sort per group).
CUBE_SQL = f"""
SELECT w.day,
       GROUPING(w.account_id, w.responder_id, w.hour) AS grouping,
       CASE WHEN GROUPING(w.account_id) = 1 THEN {ALL} ELSE w.account_id END AS account_key,
       CASE WHEN GROUPING(w.responder_id) = 1 THEN {ALL} ELSE w.responder_id END AS responder_key,
       CASE WHEN GROUPING(w.hour) = 1 THEN {ALL} ELSE w.hour::int END AS hour,
       count(*) FILTER (WHERE w.kind = 'first') AS received,
       count(*) FILTER (WHERE {_FIRST_ANSWERED}) AS answered,
       count(*) FILTER (WHERE {_FIRST_ANSWERED} AND w.stopped_at <= w.due_at) AS within_target,
       count(*) FILTER (WHERE w.kind = 'first' AND (w.outcome = 'answered'
                                                    OR (w.outcome = 'open' AND w.due_at <= %s))) AS decided,
       count(*) FILTER (WHERE w.kind = 'next') AS next_received,
       count(*) FILTER (WHERE w.kind = 'next' AND w.outcome = 'answered') AS next_answered,
       count(*) FILTER (WHERE (w.outcome = 'answered' AND w.stopped_at > w.due_at)
                           OR (w.outcome = 'open' AND w.due_at <= %s)) AS breaches,
       count(*) FILTER (WHERE w.outcome = 'closed') AS closed_unanswered,
       count(*) FILTER (WHERE w.automated_ack_at IS NOT NULL) AS acknowledged,
       {", ".join(_series_sql(name) for name in _SERIES)}
FROM ({{rows}}) AS w
GROUP BY {{groups}}
"""  # noqa: S608  (built from this module's constants; every value is a parameter)
# Stored: every combination, so any filter finds its cells. Live rows are narrowed by the filters in SQL
# already, so only the view's own cells are needed: every clock, per hour, per responder, per account.
STORED_GROUPS = "w.day, CUBE (w.account_id, w.responder_id, w.hour)"
LIVE_GROUPS = "GROUPING SETS ((w.day), (w.day, w.hour), (w.day, w.responder_id), (w.day, w.account_id))"
CELL_COLUMNS = (
    "day",
    "grouping",
    "account_key",
    "responder_key",
    "hour",
    "received",
    "answered",
    "within_target",
    "decided",
    "next_received",
    "next_answered",
    "breaches",
    "closed_unanswered",
    "acknowledged",
    *_SERIES,
)
SERIES = tuple(_SERIES)
COUNTS = CELL_COLUMNS[5 : -len(SERIES)]


_COLUMNS = tuple(dict.fromkeys(column for column, _, _ in _SERIES.values()))


def cube_sql(rows: str, *, stored: bool) -> str:
    order = {f"order_{column}": f"ORDER BY w.{column}" if stored else "" for column in _COLUMNS}
    return CUBE_SQL.format(rows=rows, groups=STORED_GROUPS if stored else LIVE_GROUPS, **order)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of the local midnight starting the day and of the next one (23 or 25 h apart at DST)."""
    return datetime.combine(day, time(), tzinfo=zone), datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)


def _in_ranges(ranges: Iterable[tuple[datetime, datetime]]) -> Q:
    """Clocks started in any of the ranges; contiguous ranges are merged so the index is walked once each."""
    merged: list[list[datetime]] = []
    for first, after in sorted(ranges):
        if merged and merged[-1][1] >= first:
            merged[-1][1] = max(merged[-1][1], after)
        else:
            merged.append([first, after])
    condition = Q(pk__in=[])
    for first, after in merged:
        condition |= Q(started_at__gte=first, started_at__lt=after)
    return condition


def cube_rows(clocks: QuerySet[ResponseClock], zone: ZoneInfo) -> tuple[str, list[Any]]:
    """The SQL and parameters of the cube's input: the clocks with their local day and hour."""
    rows = clocks.annotate(day=TruncDate("started_at", tzinfo=zone), hour=ExtractHour("started_at", tzinfo=zone))
    columns = (
        "kind",
        "outcome",
        "account_id",
        "responder_id",
        "stopped_at",
        "due_at",
        "automated_ack_at",
        *_COLUMNS,
    )
    sql, params = rows.values(*columns, "day", "hour").query.sql_with_params()
    return sql, list(params)


def live_cells(clocks: QuerySet[ResponseClock], zone: ZoneInfo, now: datetime) -> list[dict[str, Any]]:
    """The cube of clocks no rollup covers, computed now, in the shape of SlaRollupCell rows (values unsorted)."""
    try:
        sql, params = cube_rows(clocks, zone)
    except EmptyResultSet:  # e.g. a team without members: nothing to read
        return []
    with connection.cursor() as cursor:
        cursor.execute(cube_sql(sql, stored=False), [now, now, *params])
        names = [column.name for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def stored_cells(cells: QuerySet[SlaRollupCell, dict[str, Any]], *, aliases: Mapping[str, str]) -> list[dict[str, Any]]:
    """The cells' rows with bytea sent as bytes rather than hex text: half the bytes and no decoding.

    Django's cursors bind parameters on the client, which rules out binary results; this one binds on the
    server, and Django wraps it, so it is logged and counted like every other query.
    """
    try:
        sql, params = cells.query.sql_with_params()
    except EmptyResultSet:  # e.g. a team without members: nothing to read
        return []
    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # the stubs expect a wrapper; Django wraps raw cursors
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        cursor.cursor.format = Format.BINARY
        cursor.execute(sql, params)
        names = [aliases.get(column.name, column.name) for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def covered_days(brand: Brand, start: date, end: date) -> set[date]:
    """Days of the range rolled up in the brand's current time zone that no change mark touches."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rollup.day FROM inbox_slarollupday AS rollup
            WHERE rollup.brand_id = %s AND rollup.day BETWEEN %s AND %s AND rollup.time_zone = %s
              AND NOT EXISTS (
                  SELECT 1 FROM inbox_slarollupchange AS change
                  WHERE change.brand_id = rollup.brand_id
                    AND change.hour < ((rollup.day + 1)::timestamp AT TIME ZONE rollup.time_zone)
                    AND change.hour > (rollup.day::timestamp AT TIME ZONE rollup.time_zone) - interval '1 hour')
            """,
            [brand.pk, start, end, brand.audience_time_zone],
        )
        return {day for (day,) in cursor.fetchall()}


def uncovered(days: Iterable[date], covered: set[date], zone: ZoneInfo) -> Q:
    """Clocks started on the days that have no usable rollup."""
    return _in_ranges(day_bounds(day, zone) for day in days if day not in covered)


def _days_touched(hour: datetime, zone: ZoneInfo) -> set[date]:
    """The local days a UTC hour overlaps (two where the zone's offset is not whole hours)."""
    return {hour.astimezone(zone).date(), (hour + timedelta(hours=1, microseconds=-1)).astimezone(zone).date()}


@transaction.atomic
def rebuild_days(*, brand: Brand, days: Iterable[date], now: datetime | None = None) -> list[date]:
    """Roll up the finished clocks of these local days, complete ones only; returns the days rebuilt.

    Change marks are deleted before the clocks are read (each statement sees what committed before it), so a
    clock finished concurrently is either in the new cells or still marked; a mark that also touches a day not
    rebuilt here stays.
    """
    now = now or timezone.now()
    zone = ZoneInfo(brand.audience_time_zone)
    wanted = sorted({day for day in days if day_bounds(day, zone)[1] <= now})
    if not wanted:
        return []
    first, after = day_bounds(wanted[0], zone)[0], day_bounds(wanted[-1], zone)[1]
    marks = SlaRollupChange.objects.filter(brand_id=brand.pk, hour__gt=first - timedelta(hours=1), hour__lt=after)
    done = set(wanted)
    SlaRollupChange.objects.filter(
        pk__in=[mark.pk for mark in marks if _days_touched(mark.hour, zone) <= done]
    ).delete()
    SlaRollupCell.objects.filter(brand=brand, day__in=wanted).delete()
    finished = ResponseClock.objects.filter(brand=brand).exclude(outcome=Outcome.OPEN)
    sql, params = cube_rows(finished.filter(uncovered(wanted, set(), zone)), zone)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO inbox_slarollupcell (brand_id, {', '.join(CELL_COLUMNS)}) "  # noqa: S608  (constants)
            f"SELECT %s, cube.* FROM ({cube_sql(sql, stored=True)}) AS cube",
            [brand.pk, now, now, *params],
        )
    SlaRollupDay.objects.filter(brand=brand, day__in=wanted).delete()
    SlaRollupDay.objects.bulk_create(
        [SlaRollupDay(brand=brand, day=day, time_zone=brand.audience_time_zone, built_at=now) for day in wanted]
    )
    return wanted


def days_to_refresh(brand: Brand, now: datetime) -> list[date]:
    """Marked days first, then complete recent days without a rollup in the current zone; at most a few."""
    zone = ZoneInfo(brand.audience_time_zone)
    today = now.astimezone(zone).date()
    marked: set[date] = set()
    for hour in SlaRollupChange.objects.filter(brand_id=brand.pk).values_list("hour", flat=True):
        marked |= _days_touched(hour, zone)
    recent = [today - timedelta(days=back) for back in range(1, LOOKBACK_DAYS + 1)]
    built = set(
        SlaRollupDay.objects.filter(brand=brand, day__in=recent, time_zone=brand.audience_time_zone).values_list(
            "day", flat=True
        )
    )
    complete_marked = sorted(day for day in marked if day < today)
    missing = [day for day in recent if day not in built and day not in marked]
    return (complete_marked + missing)[:DAYS_PER_REFRESH]


def refresh(*, now: datetime | None = None) -> dict[str, list[date]]:
    """Rebuild every brand's marked and missing recent days; what the beat task runs. Returns days per brand."""
    now = now or timezone.now()
    SlaRollupChange.objects.exclude(brand_id__in=Brand.objects.values("pk")).delete()  # of deleted brands
    rebuilt: dict[str, list[date]] = {}
    for brand in Brand.objects.order_by("pk"):
        days = days_to_refresh(brand, now)
        if days:
            rebuilt[brand.slug] = rebuild_days(brand=brand, days=days, now=now)
    return rebuilt


def rebuild_range(*, brand: Brand, start: date, end: date, chunk_days: int = 7) -> list[date]:
    """Rebuild every complete day from start to end, a week per transaction (the command's bulk path)."""
    days: Sequence[date] = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    rebuilt: list[date] = []
    for offset in range(0, len(days), chunk_days):
        rebuilt += rebuild_days(brand=brand, days=days[offset : offset + chunk_days])
    return rebuilt
