"""Reads of the SLA clock: the state of waiting conversations for the queue, and the supervisor dashboard.

Every figure is computed in PostgreSQL (percentile_cont, AT TIME ZONE) in a fixed number of queries,
whatever the date range: one per table of the dashboard.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from inbox.models import Conversation
from inbox.sla.aggregates import Percentile, Percentiles
from inbox.sla.models import ClockKind, Outcome, ResponseClock
from monitoring.models import Brand


class SlaState(enum.StrEnum):
    """What the queue shows about a conversation's wait."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NONE = "none"  # nothing waits for an answer

    @property
    def label(self) -> str:
        return {"on_track": "On track", "at_risk": "At risk", "breached": "Breached", "none": "Answered"}[self.value]


def _at_risk_clock(now: datetime) -> Exists:
    """The conversation's open clock has passed its at-risk time (policy share of the target, in business hours)."""
    return Exists(ResponseClock.objects.filter(conversation=OuterRef("pk"), outcome=Outcome.OPEN, at_risk_at__lte=now))


def sla_state_q(state: SlaState, *, now: datetime) -> Q:
    """The conversations in `state` at `now`: the one definition the queue filters by and with_sla_state shows.

    Breached when the due time has passed; at risk when the open clock's at-risk time has passed (the
    policy's at-risk share of the target, counted in the policy's business hours); else on track. A wait
    without a clock row (ingest started it a moment ago) is on track until it is due.
    """
    if state == SlaState.NONE:
        return Q(response_due_at__isnull=True)
    if state == SlaState.BREACHED:
        return Q(response_due_at__lte=now)
    if state == SlaState.AT_RISK:
        return Q(response_due_at__gt=now) & Q(_at_risk_clock(now))
    return Q(response_due_at__gt=now) & ~Q(_at_risk_clock(now))


def with_sla_state(conversations: QuerySet[Conversation], *, now: datetime | None = None) -> QuerySet[Conversation]:
    """Annotate `sla_due_at`, `sla_at_risk_at` and `sla_state` (SlaState) from each conversation's open clock.

    Filter on them like any field: ``with_sla_state(qs).filter(sla_state=SlaState.AT_RISK)``, or filter with
    ``sla_state_q`` (the same conditions, which the planner can combine with the queue's indexes); order by
    ``sla_due_at`` for most urgent first. The due time is the conversation's ``response_due_at`` (ingest sets
    it, the clock keeps it equal to its own).
    """
    now = now or timezone.now()
    open_clock = ResponseClock.objects.filter(conversation=OuterRef("pk"), outcome=Outcome.OPEN)
    states = [SlaState.NONE, SlaState.BREACHED, SlaState.AT_RISK]
    return conversations.annotate(
        sla_at_risk_at=Subquery(open_clock.values("at_risk_at")[:1], output_field=DateTimeField()),
        sla_due_at=F("response_due_at"),
        sla_state=Case(
            *(When(sla_state_q(state, now=now), then=Value(state.value)) for state in states),
            default=Value(SlaState.ON_TRACK.value),
            output_field=CharField(),
        ),
    )


# Backlog age bands: (label, lower bound) in ascending order; each band runs to the next bound.
AGE_BANDS: tuple[tuple[str, timedelta], ...] = (
    ("under 30 min", timedelta(0)),
    ("30 min - 1 h", timedelta(minutes=30)),
    ("1 - 2 h", timedelta(hours=1)),
    ("2 - 4 h", timedelta(hours=2)),
    ("4 - 24 h", timedelta(hours=4)),
    ("over 24 h", timedelta(hours=24)),
)
LIST_LIMIT = 50
MEDIAN_P90 = (0.5, 0.9)


@dataclass(frozen=True)
class DashboardFilters:
    """What the supervisor looks at: one brand, local dates (inclusive) in its audience's zone, narrowed."""

    brand: Brand
    start: date
    end: date
    account_id: int | None = None
    agent_id: int | None = None
    team_member_ids: tuple[int, ...] | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.brand.audience_time_zone)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The UTC instants of the first local midnight and of the local midnight after the last day."""
        first = datetime.combine(self.start, time(), tzinfo=self.zone)
        after = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=self.zone)
        return first, after


@dataclass
class Dashboard:
    filters: DashboardFilters
    now: datetime
    summary: dict[str, Any] = field(default_factory=dict)
    breaches: list[dict[str, Any]] = field(default_factory=list)
    backlog: list[dict[str, Any]] = field(default_factory=list)
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    agents: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    heatmap: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)


def _narrowed(clocks: QuerySet[ResponseClock], filters: DashboardFilters) -> QuerySet[ResponseClock]:
    clocks = clocks.filter(brand=filters.brand)
    if filters.account_id is not None:
        clocks = clocks.filter(account_id=filters.account_id)
    # A person's clocks: those they answered, and those waiting while assigned to them.
    if filters.agent_id is not None:
        clocks = clocks.filter(
            Q(responder_id=filters.agent_id) | Q(outcome=Outcome.OPEN, conversation__assignee_id=filters.agent_id)
        )
    if filters.team_member_ids is not None:
        members = list(filters.team_member_ids)
        clocks = clocks.filter(
            Q(responder_id__in=members) | Q(outcome=Outcome.OPEN, conversation__assignee_id__in=members)
        )
    return clocks


def _in_window(filters: DashboardFilters) -> QuerySet[ResponseClock]:
    first, after = filters.window
    return _narrowed(ResponseClock.objects.filter(started_at__gte=first, started_at__lt=after), filters)


FIRST = Q(kind=ClockKind.FIRST)
ANSWERED = Q(outcome=Outcome.ANSWERED)
WITHIN = Q(outcome=Outcome.ANSWERED, stopped_at__lte=F("due_at"))


def _breached(now: datetime) -> Q:
    """Answered after the due time, or still waiting past it (closed without a reply is neither)."""
    return Q(outcome=Outcome.ANSWERED, stopped_at__gt=F("due_at")) | Q(outcome=Outcome.OPEN, due_at__lte=now)


def _decided(now: datetime) -> Q:
    """Clocks whose SLA result is known: answered, or past due without an answer."""
    return ANSWERED | Q(due_at__lte=now, outcome=Outcome.OPEN)


def _rates(now: datetime) -> dict[str, Any]:
    """Per-group figures shared by the summary, the agent, channel, heatmap and trend tables."""
    first_answered = FIRST & ANSWERED
    return {
        "received": Count("pk", filter=FIRST),
        "answered": Count("pk", filter=first_answered),
        "within_target": Count("pk", filter=FIRST & WITHIN),
        "decided": Count("pk", filter=FIRST & _decided(now)),
        "first_seconds": Percentiles("business_seconds", MEDIAN_P90, filter=first_answered),
    }


def _share(row: dict[str, Any]) -> float | None:
    return round(row["within_target"] / row["decided"], 4) if row["decided"] else None


def _split(row: dict[str, Any], name: str) -> None:
    """One sort gave both quantiles: `x_seconds` becomes `median_x_seconds` and `p90_x_seconds`."""
    median, p90 = row.pop(f"{name}_seconds") or (None, None)
    row[f"median_{name}_seconds"], row[f"p90_{name}_seconds"] = median, p90


def _finish(row: dict[str, Any], *extra: str) -> dict[str, Any]:
    for name in ("first", *extra):
        _split(row, name)
    row["within_target_share"] = _share(row)
    return row


def _summary(filters: DashboardFilters, now: datetime) -> dict[str, Any]:
    first_answered = FIRST & ANSWERED
    follow_up = Q(kind=ClockKind.NEXT) & ANSWERED
    row = _in_window(filters).aggregate(
        **_rates(now),
        median_first_calendar_seconds=Percentile("response_seconds", 0.5, filter=first_answered),
        median_first_platform_seconds=Percentile("response_seconds_platform", 0.5, filter=first_answered),
        next_received=Count("pk", filter=Q(kind=ClockKind.NEXT)),
        next_answered=Count("pk", filter=follow_up),
        next_seconds=Percentiles("business_seconds", MEDIAN_P90, filter=follow_up),
        breaches=Count("pk", filter=_breached(now)),
        closed_unanswered=Count("pk", filter=Q(outcome=Outcome.CLOSED)),
        acknowledged=Count("pk", filter=Q(automated_ack_at__isnull=False)),
        median_ack_seconds=Percentile("automated_ack_seconds", 0.5),
        listening_delay_seconds=Percentiles("listening_delay_seconds", MEDIAN_P90),
    )
    return _finish(row, "next", "listening_delay")


def _breach_list(filters: DashboardFilters, now: datetime) -> list[dict[str, Any]]:
    rows = (
        _in_window(filters)
        .filter(_breached(now))
        .order_by("-due_at", "-pk")
        .values(
            "pk",
            "conversation_id",
            "kind",
            "outcome",
            "started_at",
            "due_at",
            "stopped_at",
            "conversation__subject",
            "account__handle",
            "responder__username",
        )[:LIST_LIMIT]
    )
    return [_plain(row) for row in rows]


def _backlog(filters: DashboardFilters, now: datetime) -> list[dict[str, Any]]:
    waiting = _narrowed(ResponseClock.objects.filter(outcome=Outcome.OPEN), filters)
    bounds = [now - low for _, low in AGE_BANDS] + [None]
    counts = waiting.aggregate(
        **{
            f"band{index}": Count(
                "pk",
                filter=Q(started_at__lte=bounds[index])
                & (Q(started_at__gt=bounds[index + 1]) if bounds[index + 1] else Q()),
            )
            for index in range(len(AGE_BANDS))
        }
    )
    return [{"band": label, "count": counts[f"band{index}"]} for index, (label, _) in enumerate(AGE_BANDS)]


def _unanswered(filters: DashboardFilters, now: datetime) -> list[dict[str, Any]]:
    rows = (
        _narrowed(ResponseClock.objects.filter(outcome=Outcome.OPEN), filters)
        .annotate(waiting=ExpressionWrapper(Value(now) - F("started_at"), output_field=DurationField()))
        .order_by("started_at", "pk")
        .values(
            "pk",
            "conversation_id",
            "kind",
            "started_at",
            "due_at",
            "at_risk_at",
            "waiting",
            "conversation__subject",
            "conversation__assignee__username",
            "account__handle",
        )[:LIST_LIMIT]
    )
    return [_plain(row) for row in rows]


# The agent, channel, weekday x hour and daily tables in one pass over the window (GROUPING SETS), with
# names joined after aggregation so the sorts stay narrow.
_TABLES_SQL = """
SELECT grouped.*, person.username AS responder__username,
       account.handle AS account__handle, account.platform AS account__platform
FROM (
    SELECT GROUPING(w.responder_id) AS by_agent, GROUPING(w.account_id) AS by_channel,
           GROUPING(w.weekday, w.hour) AS by_cell, GROUPING(w.day) AS by_day,
           w.responder_id, w.account_id, w.weekday::int AS weekday, w.hour::int AS hour, w.day,
           count(*) FILTER (WHERE w.kind = 'first') AS received,
           count(*) FILTER (WHERE w.kind = 'first' AND w.outcome = 'answered') AS answered,
           count(*) FILTER (WHERE w.kind = 'first' AND w.outcome = 'answered' AND w.stopped_at <= w.due_at)
               AS within_target,
           count(*) FILTER (WHERE w.kind = 'first' AND (w.outcome = 'answered'
                                                        OR (w.outcome = 'open' AND w.due_at <= %s))) AS decided,
           percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY w.business_seconds)
               FILTER (WHERE w.kind = 'first' AND w.outcome = 'answered') AS first_seconds
    FROM ({window}) AS w
    GROUP BY GROUPING SETS ((w.responder_id), (w.account_id), (w.weekday, w.hour), (w.day))
) AS grouped
LEFT JOIN accounts_user AS person ON person.id = grouped.responder_id AND grouped.by_agent = 0
LEFT JOIN monitoring_channelaccount AS account ON account.id = grouped.account_id AND grouped.by_channel = 0
"""

# table: (its grouping flag, its columns, the columns it is ordered by)
_TABLE_COLUMNS = {
    "agents": ("by_agent", ("responder_id", "responder__username"), ("responder_id",)),
    "channels": ("by_channel", ("account_id", "account__handle", "account__platform"), ("account_id",)),
    "heatmap": ("by_cell", ("weekday", "hour"), ("weekday", "hour")),
    "trend": ("by_day", ("day",), ("day",)),
}
_RATE_COLUMNS = ("received", "answered", "within_target", "decided", "first_seconds")


def _tables(filters: DashboardFilters, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Rows of the agent, channel, heatmap and trend tables, each ordered by its keys (empty keys last)."""
    zone = filters.zone
    window = _in_window(filters).annotate(
        weekday=ExtractIsoWeekDay("started_at", tzinfo=zone),
        hour=ExtractHour("started_at", tzinfo=zone),
        day=TruncDate("started_at", tzinfo=zone),
    )
    columns = ["kind", "outcome", "responder_id", "account_id", "business_seconds", "stopped_at", "due_at"]
    window_sql, window_params = window.values(*columns, "weekday", "hour", "day").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_TABLES_SQL.format(window=window_sql), [now, *window_params])
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, (flag, keys, order) in _TABLE_COLUMNS.items():
        mine = [row for row in rows if row[flag] == 0]
        # Like ORDER BY ... NULLS LAST: the clocks nobody answered come after the people.
        mine.sort(
            key=lambda row: tuple((row[key] is None, row[key]) if row[key] is not None else (True, 0) for key in order)
        )
        tables[table] = [_finish({key: row[key] for key in (*keys, *_RATE_COLUMNS)}) for row in mine]
    return tables


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """Durations in whole seconds, so every row serialises the same way to HTML, CSV and JSON."""
    return {key: int(value.total_seconds()) if isinstance(value, timedelta) else value for key, value in row.items()}


# Sorting for the percentiles of a month of a busy brand stays in memory with this much (PostgreSQL's 4 MB
# default spills it to disk); SET LOCAL holds it for this transaction only.
SORT_MEMORY = "64MB"


@transaction.atomic
def dashboard(filters: DashboardFilters, *, now: datetime | None = None) -> Dashboard:
    """Every dashboard figure for the filters, in six queries (one sets the sort memory)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
    result = Dashboard(filters=filters, now=now)
    result.summary = _summary(filters, now)
    result.breaches = _breach_list(filters, now)
    result.backlog = _backlog(filters, now)
    result.unanswered = _unanswered(filters, now)
    tables = _tables(filters, now)
    result.agents = [row for row in tables["agents"] if row["answered"]]
    result.channels = tables["channels"]
    result.heatmap = tables["heatmap"]
    result.trend = tables["trend"]
    return result
