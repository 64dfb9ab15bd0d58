"""Business-time arithmetic: worked examples and properties that must hold for any schedule and instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.sla.clock import Coverage, Shift, business_time_between, due_at
from inbox.sla.hours import HoursError, format_shifts, parse_hours, parse_many

LA = ZoneInfo("America/Los_Angeles")
OFFICE = Coverage("America/Los_Angeles", parse_many(["mon-fri 09:00-17:00"]))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0, zone: ZoneInfo = LA) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def test_friday_afternoon_message_is_due_monday_morning() -> None:
    assert due_at(local(2026, 11, 20, 16, 45), 30, OFFICE) == local(2026, 11, 23, 9, 15)


def test_message_before_opening_counts_from_opening() -> None:
    assert due_at(local(2026, 11, 23, 7, 0), 120, OFFICE) == local(2026, 11, 23, 11, 0)


def test_holiday_is_skipped() -> None:
    coverage = Coverage("America/Los_Angeles", OFFICE.shifts, frozenset({date(2026, 12, 25)}))
    assert due_at(local(2026, 12, 24, 16, 30), 60, coverage) == local(2026, 12, 28, 9, 30)


def test_midnight_spanning_shift_covers_the_next_morning() -> None:
    night = Coverage("Europe/Berlin", parse_many(["fri 22:00-02:00"]))
    berlin = ZoneInfo("Europe/Berlin")
    assert due_at(local(2026, 11, 20, 23, 30, zone=berlin), 120, night) == local(2026, 11, 21, 1, 30, zone=berlin)
    assert due_at(local(2026, 11, 20, 23, 30, zone=berlin), 180, night) == local(2026, 11, 27, 22, 30, zone=berlin)
    assert business_time_between(
        local(2026, 11, 20, 12, 0, zone=berlin), local(2026, 11, 21, 12, 0, zone=berlin), night
    ) == timedelta(hours=4)


def test_spring_forward_night_shift_lasts_one_hour_less() -> None:
    nights = Coverage("America/Los_Angeles", parse_many(["sat 22:00-06:00"]))
    # 2026-03-08 02:00 local does not exist: Saturday night's shift is 7 real hours long.
    assert business_time_between(local(2026, 3, 7, 12), local(2026, 3, 8, 12), nights) == timedelta(hours=7)


def test_fall_back_night_shift_lasts_one_hour_more() -> None:
    nights = Coverage("America/Los_Angeles", parse_many(["sat 22:00-06:00"]))
    assert business_time_between(local(2026, 10, 31, 12), local(2026, 11, 1, 12), nights) == timedelta(hours=9)


def test_shift_starting_inside_the_skipped_hour_starts_at_the_switch() -> None:
    coverage = Coverage("America/Los_Angeles", parse_many(["sun 02:30-04:00"]))
    start = local(2026, 3, 8, 0, 0)
    assert due_at(start, 1, coverage) == local(2026, 3, 8, 3, 1)


def test_parse_hours_reads_ranges_lists_and_several_windows() -> None:
    assert len(parse_hours("mon-fri 09:00-17:00")) == 5
    assert len(parse_hours("mon-sun 00:00-24:00")) == 7
    assert [s.weekday for s in parse_hours("fri-mon 10:00-12:00")] == [4, 5, 6, 0]
    assert parse_hours("sat 09:00-12:00,13:00-17:00") == [Shift(5, 540, 720), Shift(5, 780, 1020)]
    assert format_shifts(parse_many(["mon-fri 09:00-17:00", "sat 10:00-14:00"])) == [
        "mon-fri 09:00-17:00",
        "sat 10:00-14:00",
    ]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("mon-fri", "write days then hours"),
        ("mon-fry 09:00-17:00", "'fry' is not a day"),
        ("mon 9-17", "'9' is not a time"),
        ("mon 09:00-24:30", "not a time of day"),
        ("mon 09:00-09:00", "starts and ends at the same time"),
        ("mon 09:00", "is not a time range"),
    ],
)
def test_parse_hours_says_what_is_wrong(spec: str, problem: str) -> None:
    with pytest.raises(HoursError, match=problem):
        parse_hours(spec)


ZONES = st.sampled_from(["UTC", "America/Los_Angeles", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago"])
SHIFTS = st.builds(
    lambda day, start, length: Shift(day, start, (start + length) % 1440 or 1440),
    st.integers(0, 6),
    st.integers(0, 1439),
    st.integers(1, 1439),
)
COVERAGES = st.builds(
    lambda zone, shifts, holidays: Coverage(zone, tuple(shifts), frozenset(holidays)),
    ZONES,
    st.lists(SHIFTS, min_size=0, max_size=6),
    st.lists(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=5),
)
INSTANTS = st.datetimes(
    datetime(2025, 1, 1),  # noqa: DTZ001  (hypothesis bounds are naive; the values get UTC below)
    datetime(2027, 12, 31),  # noqa: DTZ001
).map(lambda moment: moment.replace(tzinfo=UTC))
MINUTES = st.integers(0, 5000)


@settings(max_examples=150, deadline=None)
@given(COVERAGES, INSTANTS, MINUTES, MINUTES)
def test_due_times_add_up(coverage: Coverage, start: datetime, first: int, second: int) -> None:
    assert due_at(due_at(start, first, coverage), second, coverage) == due_at(start, first + second, coverage)


@settings(max_examples=150, deadline=None)
@given(COVERAGES, INSTANTS, MINUTES, MINUTES)
def test_longer_targets_are_never_due_earlier(coverage: Coverage, start: datetime, first: int, second: int) -> None:
    low, high = sorted((first, second))
    assert due_at(start, low, coverage) <= due_at(start, high, coverage)


@settings(max_examples=150, deadline=None)
@given(COVERAGES, INSTANTS, MINUTES)
def test_business_time_until_due_is_the_target(coverage: Coverage, start: datetime, minutes: int) -> None:
    due = due_at(start, minutes, coverage)
    assert due >= start
    assert business_time_between(start, due, coverage) == timedelta(minutes=minutes)


@settings(max_examples=150, deadline=None)
@given(COVERAGES, INSTANTS, INSTANTS, INSTANTS)
def test_business_time_is_additive_over_splits(coverage: Coverage, a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    c = min(c, a + timedelta(days=30))
    b = min(b, c)
    whole = business_time_between(a, c, coverage)
    assert whole == business_time_between(a, b, coverage) + business_time_between(b, c, coverage)
    assert whole <= c - a


@settings(max_examples=150, deadline=None)
@given(ZONES, INSTANTS, MINUTES)
def test_around_the_clock_is_calendar_time(zone: str, start: datetime, minutes: int) -> None:
    assert due_at(start, minutes, Coverage(zone)) == start + timedelta(minutes=minutes)
    every_day = Coverage(zone, tuple(Shift(day, 0, 1440) for day in range(7)))
    assert due_at(start, minutes, every_day) == start + timedelta(minutes=minutes)


@settings(max_examples=100, deadline=None)
@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(1, 600))
def test_office_hours_keep_their_local_length_across_dst(day: date, minutes: int) -> None:
    """Nine to five is eight hours on every weekday, DST-switch weekends around it or not."""
    start = datetime(day.year, day.month, day.day, 9, tzinfo=LA)
    if day.weekday() < 5:
        assert business_time_between(start, start + timedelta(hours=8), OFFICE) == timedelta(hours=8)
    due = due_at(start, minutes, OFFICE).astimezone(LA)
    assert due.hour * 60 + due.minute <= 17 * 60
    assert due.hour >= 9
