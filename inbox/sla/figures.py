"""The dashboard's aggregated figures summed from cells: rolled-up days from SlaRollupCell, the rest live.

A cell holds one day's clocks of one account, one responder and one hour, each possibly ALL (see
inbox.sla.rollups). Which cells feed which table depends on the filters; :class:`Selection` says it once,
both as the SQL condition that fetches the stored cells and as the routing of every cell in memory.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import BinaryField, Case, Q, Value, When

from inbox.sla.models import ALL
from inbox.sla.quantiles import Run, percentiles_cont, unpack
from inbox.sla.rollups import COUNTS, SERIES

SUMMARY_SERIES_ALIASES = {f"summary_{name}": name for name in SERIES[1:]}


def _grouping(every_account: bool, every_person: bool, every_hour: bool) -> int:
    """SQL's GROUPING(account, responder, hour) of a cell: a bit for each key that is ALL."""
    return 4 * every_account + 2 * every_person + every_hour


@dataclass(frozen=True)
class Selection:
    """The cells one view sums: its account (or ALL) and people (or ALL), and what narrows the two tables."""

    account_key: int = ALL
    responder_keys: frozenset[int] = frozenset({ALL})
    agents: frozenset[int] | None = None  # the agents table lists only these people
    channel: int | None = None  # the channels table lists only this account

    @classmethod
    def of(cls, account_id: int | None, people: frozenset[int] | None) -> Selection:
        """Stored cells for the filters: the filtered account's cells, and the filtered people's."""
        return cls(
            account_key=ALL if account_id is None else account_id,
            responder_keys=frozenset({ALL}) if people is None else people,
            agents=people,
            channel=account_id,
        )

    def is_base(self, cell: Mapping[str, Any]) -> bool:
        """A cell of the summary, trend (every hour) or heatmap (one hour)."""
        return cell["account_key"] == self.account_key and cell["responder_key"] in self.responder_keys

    def is_agent_row(self, cell: Mapping[str, Any]) -> bool:
        person = cell["responder_key"]
        return (
            cell["hour"] == ALL
            and cell["account_key"] == self.account_key
            and person != ALL
            and (self.agents is None or person in self.agents)
        )

    def is_channel_row(self, cell: Mapping[str, Any]) -> bool:
        account = cell["account_key"]
        return (
            cell["hour"] == ALL
            and cell["responder_key"] in self.responder_keys
            and account != ALL
            and (self.channel is None or account == self.channel)
        )

    def condition(self) -> Q:
        """The stored cells the routing uses, and no others: a few groupings, each one index range."""
        every_account, every_person = self.account_key == ALL, self.responder_keys == {ALL}
        base = Q(
            grouping__in=[_grouping(every_account, every_person, hour) for hour in (False, True)],
            account_key=self.account_key,
            responder_key__in=self.responder_keys,
        )
        agents = Q(grouping=_grouping(every_account, False, True), account_key=self.account_key)
        if self.agents is not None:
            agents &= Q(responder_key__in=self.agents)
        channels = Q(grouping=_grouping(False, every_person, True), responder_key__in=self.responder_keys)
        if self.channel is not None:
            channels &= Q(account_key=self.channel)
        groupings = {_grouping(every_account, every_person, hour) for hour in (False, True)}
        groupings |= {_grouping(every_account, False, True), _grouping(False, every_person, True)}
        return Q(grouping__in=sorted(groupings)) & (base | agents | channels)

    def summary_series(self) -> dict[str, Case]:
        """Only summary cells need the summary-only series: the others are not even sent.

        The annotations cannot take the fields' own names; read them back under SUMMARY_SERIES_ALIASES.
        """
        summary = Q(account_key=self.account_key, responder_key__in=self.responder_keys, hour=ALL)
        return {
            alias: Case(When(summary, then=name), default=Value(None), output_field=BinaryField())
            for alias, name in SUMMARY_SERIES_ALIASES.items()
        }


@dataclass
class Tally:
    """Counts and sorted runs of response times summed over cells."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    runs: dict[str, list[Run]] = field(default_factory=lambda: {name: [] for name in SERIES})

    def add(self, cell: Mapping[str, Any]) -> None:
        for name in COUNTS:
            self.counts[name] += cell[name]
        for name in SERIES:
            values = cell.get(name)
            if values:  # unpacked by Tables.add
                self.runs[name].append(values)

    def percentiles(self, name: str, *fractions: float) -> list[float | None]:
        return percentiles_cont(self.runs[name], fractions)


@dataclass
class Tables:
    summary: Tally = field(default_factory=Tally)
    trend: defaultdict[date, Tally] = field(default_factory=lambda: defaultdict(Tally))
    heatmap: defaultdict[tuple[int, int], Tally] = field(default_factory=lambda: defaultdict(Tally))
    agents: defaultdict[int | None, Tally] = field(default_factory=lambda: defaultdict(Tally))
    channels: defaultdict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def add(self, cells: Iterable[dict[str, Any]], selection: Selection, *, presorted: bool) -> None:
        for cell in cells:
            for name in SERIES:
                packed = cell.get(name)
                if packed:
                    values = unpack(packed)
                    cell[name] = values if presorted else array("i", sorted(values))
            if selection.is_base(cell):
                if cell["hour"] == ALL:
                    self.summary.add(cell)
                    self.trend[cell["day"]].add(cell)
                else:
                    self.heatmap[(cell["day"].isoweekday(), cell["hour"])].add(cell)
            if selection.is_agent_row(cell):
                self.agents[cell["responder_key"]].add(cell)
            if selection.is_channel_row(cell):
                self.channels[cell["account_key"]].add(cell)


def _share(counts: Mapping[str, int]) -> float | None:
    return round(counts["within_target"] / counts["decided"], 4) if counts["decided"] else None


def summary_row(tally: Tally) -> dict[str, Any]:
    """The summary, keys in the order the CSV export and the API have always listed them."""
    c = tally.counts
    (calendar,) = tally.percentiles("first_calendar_seconds", 0.5)
    (platform,) = tally.percentiles("first_platform_seconds", 0.5)
    (ack,) = tally.percentiles("ack_seconds", 0.5)
    first, next_, delay = (
        tally.percentiles(name, 0.5, 0.9) for name in ("first_seconds", "next_seconds", "listening_delay_seconds")
    )
    return {
        **{name: c[name] for name in ("received", "answered", "within_target", "decided")},
        "median_first_calendar_seconds": calendar,
        "median_first_platform_seconds": platform,
        **{name: c[name] for name in ("next_received", "next_answered", "breaches", "closed_unanswered")},
        "acknowledged": c["acknowledged"],
        "median_ack_seconds": ack,
        "median_first_seconds": first[0],
        "p90_first_seconds": first[1],
        "median_next_seconds": next_[0],
        "p90_next_seconds": next_[1],
        "median_listening_delay_seconds": delay[0],
        "p90_listening_delay_seconds": delay[1],
        "within_target_share": _share(c),
    }


def rate_rows(
    groups: Mapping[Any, Tally], keys: Callable[[Any], dict[str, Any]], order: Callable[[Any], Any]
) -> list[dict[str, Any]]:
    """One row per group of a table: its keys, then received, answered, on time, decided, median, p90, share."""
    rows = []
    for group in sorted(groups, key=order):
        tally = groups[group]
        median, p90 = tally.percentiles("first_seconds", 0.5, 0.9)
        counts = {name: tally.counts[name] for name in ("received", "answered", "within_target", "decided")}
        rows.append(
            {
                **keys(group),
                **counts,
                "median_first_seconds": median,
                "p90_first_seconds": p90,
                "within_target_share": _share(counts),
            }
        )
    return rows
