"""Reads of the SLA clock: the state of waiting conversations for the queue, and the supervisor dashboard.

The aggregated figures come from daily rollups of finished clocks plus a live cube of the rest (see
inbox.sla.rollups and inbox.sla.figures); the lists read clocks through partial indexes. A fixed number of
queries whatever the date range.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
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
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from inbox.models import OPEN_WORK, Conversation
from inbox.sla import rollups
from inbox.sla.figures import SUMMARY_SERIES_ALIASES, Selection, Tables, rate_rows, summary_row
from inbox.sla.models import Outcome, ResponseClock, SlaRollupCell


class SlaState(enum.StrEnum):
    """What the queue shows about a conversation's wait."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NONE = "none"  # nothing waits for an answer

    @property
    def label(self) -> str:
        labels = {"on_track": _("On track"), "at_risk": _("At risk"), "breached": _("Breached"), "none": _("Answered")}
        return labels[self.value]


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
    def people(self) -> frozenset[int] | None:
        """Whose clocks the agent and team filters keep (both given: the agent, if on the team); None: all."""
        chosen = [
            frozenset(ids)
            for ids in ([self.agent_id] if self.agent_id is not None else None, self.team_member_ids)
            if ids is not None
        ]
        return frozenset.intersection(*chosen) if chosen else None

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
    # Items nobody can answer where they were found (alert-feed articles, webhook sources): off the clock,
    # counted apart: found in the range, waiting for someone to review them now, and past the review target.
    to_review: dict[str, int] = field(default_factory=dict)


def _narrowed(clocks: QuerySet[ResponseClock], filters: DashboardFilters) -> QuerySet[ResponseClock]:
    clocks = clocks.filter(brand=filters.brand)
    if filters.account_id is not None:
        clocks = clocks.filter(account_id=filters.account_id)
    # People's clocks: those they answered, and those waiting while assigned to one of them.
    people = filters.people
    if people is not None:
        clocks = clocks.filter(
            Q(responder_id__in=people) | Q(outcome=Outcome.OPEN, conversation__assignee_id__in=people)
        )
    return clocks


def _in_window(filters: DashboardFilters) -> QuerySet[ResponseClock]:
    first, after = filters.window
    return _narrowed(ResponseClock.objects.filter(started_at__gte=first, started_at__lt=after), filters)


def _breached(now: datetime) -> Q:
    """Answered after the due time, or still waiting past it (closed without a reply is neither)."""
    return Q(outcome=Outcome.ANSWERED, stopped_at__gt=F("due_at")) | Q(outcome=Outcome.OPEN, due_at__lte=now)


_BREACH_COLUMNS = (
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
)


def _breach_list(filters: DashboardFilters, now: datetime) -> list[dict[str, Any]]:
    """Latest due first. Each half walks its own partial index (answered late; waiting), then the two merge."""
    window = _in_window(filters)
    late = window.filter(outcome=Outcome.ANSWERED, stopped_at__gt=F("due_at"))
    waiting = window.filter(outcome=Outcome.OPEN, due_at__lte=now)
    halves = [half.order_by("-due_at", "-pk").values(*_BREACH_COLUMNS)[:LIST_LIMIT] for half in (late, waiting)]
    rows = halves[0].union(halves[1], all=True).order_by("-due_at", "-pk")[:LIST_LIMIT]
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


def _to_review(filters: DashboardFilters, now: datetime) -> dict[str, int]:
    first, after = filters.window
    items = Conversation.objects.filter(brand=filters.brand, to_review=True)
    if filters.account_id is not None:
        items = items.filter(account_id=filters.account_id)
    return items.aggregate(
        found=Count("pk", filter=Q(first_inbound_at__gte=first, first_inbound_at__lt=after)),
        waiting=Count("pk", filter=Q(status__in=OPEN_WORK)),
        overdue=Count("pk", filter=Q(status__in=OPEN_WORK, response_due_at__lte=now)),  # past the review target
    )


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """Durations in whole seconds, so every row serialises the same way to HTML, CSV and JSON."""
    return {key: int(value.total_seconds()) if isinstance(value, timedelta) else value for key, value in row.items()}


def _names(filters: DashboardFilters, people: set[int]) -> tuple[dict[int, str], dict[int, tuple[str, str]]]:
    """Usernames of the people in the tables and handles of the brand's accounts, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'user', id, username, '' FROM accounts_user WHERE id = ANY(%s)
            UNION ALL
            SELECT 'account', id, handle, platform FROM monitoring_channelaccount WHERE brand_id = %s
            """,
            [sorted(people), filters.brand.pk],
        )
        rows = cursor.fetchall()
    users = {pk: name for kind, pk, name, _ in rows if kind == "user"}
    accounts = {pk: (handle, platform) for kind, pk, handle, platform in rows if kind == "account"}
    return users, accounts


def _tallies(filters: DashboardFilters, now: datetime) -> Tables:
    """Stored cells of the rolled-up days, plus the live cube of everything else (waiting clocks included)."""
    zone = filters.zone
    covered = rollups.covered_days(filters.brand, filters.start, filters.end)
    stored = Selection.of(filters.account_id, filters.people)
    plain = [name for name in rollups.CELL_COLUMNS if name not in rollups.SERIES[1:]]
    cells = rollups.stored_cells(
        SlaRollupCell.objects.filter(brand=filters.brand, day__range=(filters.start, filters.end))
        .filter(stored.condition())
        .values(*plain, **stored.summary_series()),
        aliases=SUMMARY_SERIES_ALIASES,
    )
    tables = Tables()
    tables.add((cell for cell in cells if cell["day"] in covered), stored, presorted=True)
    days = [filters.start + timedelta(days=n) for n in range((filters.end - filters.start).days + 1)]
    live = _in_window(filters).filter(Q(outcome=Outcome.OPEN) | rollups.uncovered(days, covered, zone))
    # Live rows are narrowed by the filters in SQL already: their every-account, every-person cells are the view.
    tables.add(rollups.live_cells(live, zone, now), Selection(), presorted=False)
    return tables


def _figures(board: Dashboard) -> None:
    tables = _tallies(board.filters, board.now)
    users, accounts = _names(board.filters, {person for person in tables.agents if person is not None})
    board.summary = summary_row(tables.summary)
    agents = rate_rows(
        tables.agents,
        keys=lambda person: {"responder_id": person, "responder__username": users.get(person)},
        order=lambda person: (person is None, person or 0),
    )
    # People who answered something; the clocks nobody answered (yet) come without a name, last.
    board.agents = [row for row in agents if row["answered"]]
    board.channels = rate_rows(
        tables.channels,
        keys=lambda account: {
            "account_id": account,
            "account__handle": accounts.get(account, ("", ""))[0],
            "account__platform": accounts.get(account, ("", ""))[1],
        },
        order=lambda account: account,
    )
    board.heatmap = rate_rows(
        tables.heatmap, keys=lambda cell: {"weekday": cell[0], "hour": cell[1]}, order=lambda cell: cell
    )
    board.trend = rate_rows(tables.trend, keys=lambda day: {"day": day}, order=lambda day: day)


def dashboard(filters: DashboardFilters, *, now: datetime | None = None) -> Dashboard:
    """Every dashboard figure for the filters, in eight queries whatever the range and the data."""
    board = Dashboard(filters=filters, now=now or timezone.now())
    _figures(board)
    board.breaches = _breach_list(filters, board.now)
    board.backlog = _backlog(filters, board.now)
    board.unanswered = _unanswered(filters, board.now)
    board.to_review = _to_review(filters, board.now)
    return board
