"""Coverage hours as people write them ("mon-fri 09:00-17:00", "sat 10:00-14:00", "fri-sat 22:00-02:00").

Parsing gives clock.Shift values and says exactly what is wrong; formatting writes them back compactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from inbox.sla.clock import Shift

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """A coverage spec that cannot be read; the message says which part and why."""


def _day(name: str, spec: str) -> int:
    key = name.strip().lower()
    if key in _FULL_NAMES:
        return _FULL_NAMES.index(key)
    if key not in DAY_NAMES:
        raise HoursError(f"{spec!r}: {name!r} is not a day (use mon, tue, wed, thu, fri, sat, sun)")
    return DAY_NAMES.index(key)


def _days(text: str, spec: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        if "-" in part:
            first, last = (_day(name, spec) for name in part.split("-", 1))
            # A range may wrap around the week end: fri-mon is Friday to Monday.
            days.extend((first + step) % 7 for step in range((last - first) % 7 + 1))
        else:
            days.append(_day(part, spec))
    return days


def _minute(text: str, spec: str, *, end: bool) -> int:
    match = _TIME.match(text.strip())
    if not match:
        raise HoursError(f"{spec!r}: {text!r} is not a time (use HH:MM, e.g. 09:00)")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise HoursError(f"{spec!r}: {text!r} is not a time of day (00:00 to 23:59, or 24:00 as an end)")
    return hours * 60 + minutes


def parse_hours(spec: str) -> list[Shift]:
    """Shifts of one spec: days (mon-fri, sat, mon,wed) then one or more comma-separated HH:MM-HH:MM ranges."""
    parts = spec.split()
    if len(parts) != 2:
        raise HoursError(f"{spec!r}: write days then hours, e.g. 'mon-fri 09:00-17:00'")
    days = _days(parts[0], spec)
    shifts: list[Shift] = []
    for window in parts[1].split(","):
        if window.count("-") != 1:
            raise HoursError(f"{spec!r}: {window!r} is not a time range (use HH:MM-HH:MM, e.g. 09:00-17:00)")
        start_text, end_text = window.split("-")
        start = _minute(start_text, spec, end=False)
        end = _minute(end_text, spec, end=True)
        if start == end:
            raise HoursError(f"{spec!r}: {window!r} starts and ends at the same time")
        shifts.extend(Shift(day, start, end) for day in days)
    return shifts


def parse_many(specs: Iterable[str]) -> tuple[Shift, ...]:
    return tuple(sorted({shift for spec in specs if spec.strip() for shift in parse_hours(spec)}))


def parse_holiday(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise HoursError(f"{text!r} is not a date (use YYYY-MM-DD, e.g. 2026-12-25)") from None


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_shifts(shifts: Iterable[Shift]) -> list[str]:
    """One spec per distinct time range, consecutive days folded into ranges: ['mon-fri 09:00-17:00']."""
    by_window: dict[tuple[int, int], list[int]] = {}
    for shift in sorted(shifts):
        by_window.setdefault((shift.start_minute, shift.end_minute), []).append(shift.weekday)
    specs = []
    for (start, end), days in sorted(by_window.items(), key=lambda item: (item[1][0], item[0])):
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = ",".join(
            DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}" for run in runs
        )
        specs.append(f"{names} {_clock(start)}-{_clock(end)}")
    return specs
