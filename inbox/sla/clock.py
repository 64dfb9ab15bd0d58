"""Business-time arithmetic for SLA clocks: coverage schedules in an IANA time zone, due times, elapsed time.

Pure functions, no database. A coverage schedule is a set of weekly shifts in the audience's wall-clock
time plus holidays; an empty shift list means around the clock. Everything here works on aware UTC
instants and converts wall-clock shift edges with zoneinfo, so DST days have the real length of their
shifts (a 01:00-03:00 shift lasts one hour on a spring-forward night and three on a fall-back night).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

MINUTES_PER_DAY = 24 * 60
_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Shift:
    """Covered wall-clock time on one weekday (0 = Monday); an end at or before the start runs past midnight."""

    weekday: int
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} is not 0 (Monday) to 6 (Sunday)")
        if not 0 <= self.start_minute < MINUTES_PER_DAY or not 0 <= self.end_minute <= MINUTES_PER_DAY:
            raise ValueError(f"shift {self.start_minute}-{self.end_minute} is outside the day")
        if self.start_minute == self.end_minute:
            raise ValueError("a shift must not start and end at the same time")

    @property
    def spans_midnight(self) -> bool:
        return self.end_minute <= self.start_minute


@dataclass(frozen=True)
class Coverage:
    """When the team answers: weekly shifts (none = 24/7) minus whole local holiday dates, in time_zone."""

    time_zone: str = "UTC"
    shifts: tuple[Shift, ...] = ()
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        zoneinfo.ZoneInfo(self.time_zone)  # raises ZoneInfoNotFoundError for an unknown zone

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def around_the_clock(self) -> bool:
        return not self.shifts


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("SLA clock times must be timezone-aware")


def _wall_to_utc(wall: datetime, zone: zoneinfo.ZoneInfo, *, later: bool) -> datetime:
    """The UTC instant of a wall-clock time: the earlier or later of a repeated hour, the switch for a skipped one."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if second >= first:  # an ordinary time, or one repeated when clocks fall back
        return second if later else first
    # Skipped when clocks sprang forward: fold=0 reads it with the old offset, fold=1 with the new one;
    # the wall clock first shows a time at or after it at the switch, which lies between the two.
    low, high = second, first
    old_offset = low.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == old_offset:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def _day_windows(day: date, coverage: Coverage) -> list[tuple[int, int]]:
    """Covered minutes [start, end) of one local date, shifts spilling over from the day before included."""
    if day in coverage.holidays:
        return []
    if coverage.around_the_clock:
        return [(0, MINUTES_PER_DAY)]
    yesterday = (day.weekday() - 1) % 7
    windows = []
    for shift in coverage.shifts:
        if shift.weekday == day.weekday():
            windows.append((shift.start_minute, MINUTES_PER_DAY if shift.spans_midnight else shift.end_minute))
        if shift.weekday == yesterday and shift.spans_midnight and shift.end_minute > 0:
            windows.append((0, shift.end_minute))
    return windows


def _day_intervals(day: date, coverage: Coverage) -> list[tuple[datetime, datetime]]:
    midnight = datetime.combine(day, time())
    intervals = []
    for start, end in _day_windows(day, coverage):
        begin = _wall_to_utc(midnight + timedelta(minutes=start), coverage.zone, later=False)
        finish = _wall_to_utc(midnight + timedelta(minutes=end), coverage.zone, later=True)
        if finish > begin:
            intervals.append((begin, finish))
    return sorted(intervals)


def covered_intervals(start_utc: datetime, coverage: Coverage) -> Iterator[tuple[datetime, datetime]]:
    """Non-overlapping covered UTC intervals from start_utc on, in order, the first clipped to begin at start_utc."""
    _check_aware(start_utc)
    day = start_utc.astimezone(coverage.zone).date() - _DAY
    covered_until = start_utc
    while True:
        for begin, finish in _day_intervals(day, coverage):
            # Clipping to what was already yielded removes overlaps (a repeated midnight hour).
            begin = max(begin, covered_until)
            if finish > begin:
                yield begin, finish
                covered_until = finish
        day += _DAY


def add_business_time(start_utc: datetime, amount: timedelta, coverage: Coverage) -> datetime:
    """The earliest instant by which `amount` of covered time has passed since start_utc."""
    _check_aware(start_utc)
    if amount <= timedelta(0):
        return start_utc.astimezone(UTC)
    if coverage.around_the_clock and not coverage.holidays:
        return start_utc.astimezone(UTC) + amount
    remaining = amount
    for begin, finish in covered_intervals(start_utc, coverage):
        if finish - begin >= remaining:
            return begin + remaining
        remaining -= finish - begin
    raise AssertionError("covered_intervals never ends")  # pragma: no cover


def due_at(start_utc: datetime, target_minutes: float, coverage: Coverage) -> datetime:
    """When a response to a message received at start_utc is due, `target_minutes` of covered time later."""
    return add_business_time(start_utc, timedelta(minutes=target_minutes), coverage)


def business_time_between(a: datetime, b: datetime, coverage: Coverage) -> timedelta:
    """Covered time in [a, b); zero when b is not after a."""
    _check_aware(a)
    _check_aware(b)
    if b <= a:
        return timedelta(0)
    if coverage.around_the_clock and not coverage.holidays:
        return b - a
    total = timedelta(0)
    for begin, finish in covered_intervals(a, coverage):
        if begin >= b:
            break
        total += min(finish, b) - begin
    return total


def business_minutes_between(a: datetime, b: datetime, coverage: Coverage) -> float:
    return business_time_between(a, b, coverage) / timedelta(minutes=1)
