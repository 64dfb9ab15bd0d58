"""Recommended check-in times: the weekday hours when the audience writes most and waits longest (pure logic)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class CheckIn:
    weekday: int  # ISO: 1 = Monday
    hour: int
    received: int
    median_first_seconds: float | None
    audience_time: str  # "Mon 09:00" in the audience's zone
    viewer_time: str  # the same hour in the viewer's zone


def _next_occurrence(weekday: int, hour: int, zone: ZoneInfo, now: datetime) -> datetime:
    local = now.astimezone(zone)
    days_ahead = (weekday - local.isoweekday()) % 7
    moment = (local + timedelta(days=days_ahead)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment > local else moment + timedelta(days=7)


def _label(moment: datetime) -> str:
    return f"{WEEKDAYS[moment.weekday()]} {moment:%H:%M}"


def recommend_check_ins(
    heatmap: Iterable[Mapping[str, Any]], *, audience_zone: str, viewer_zone: str, now: datetime, count: int = 3
) -> list[CheckIn]:
    """The `count` busiest and slowest hours: volume and median wait, each scaled to its maximum, added."""
    cells = [cell for cell in heatmap if cell["received"]]
    if not cells:
        return []
    most = max(cell["received"] for cell in cells)
    slowest = max((cell["median_first_seconds"] or 0) for cell in cells) or 1

    def score(cell: Mapping[str, Any]) -> float:
        return cell["received"] / most + (cell["median_first_seconds"] or 0) / slowest

    ranked = sorted(cells, key=lambda cell: (-score(cell), cell["weekday"], cell["hour"]))[:count]
    audience, viewer = ZoneInfo(audience_zone), ZoneInfo(viewer_zone)
    picks = []
    for cell in ranked:
        moment = _next_occurrence(cell["weekday"], cell["hour"], audience, now)
        picks.append(
            CheckIn(
                weekday=cell["weekday"],
                hour=cell["hour"],
                received=cell["received"],
                median_first_seconds=cell["median_first_seconds"],
                audience_time=_label(moment),
                viewer_time=_label(moment.astimezone(viewer)),
            )
        )
    return picks
