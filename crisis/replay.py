"""Replaying per-minute counts through the detector, minute by minute, as the live detector would have run."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crisis.detection import (
    EMPTY_BASELINE,
    KINDS,
    LOOKBACK_MINUTES,
    SENSITIVITIES,
    Baseline,
    Detection,
    Storm,
    detect,
    hour_start,
    learn_baseline,
    learn_level,
    step_storm,
)

MINUTE = timedelta(minutes=1)

# scope ("all", or "query:ID") -> minute (UTC, aware) -> (mentions, negative)
Series = Mapping[str, Mapping[datetime, tuple[int, int]]]


@dataclass
class Alert:
    """One storm as the backtest prints it."""

    first: Detection
    peak: Detection
    updates: int = 0
    ended_at: datetime | None = None
    scopes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.first.start.isoformat(),
            "detected_at": self.first.detected_at.isoformat(),
            "kind": self.first.kind,
            "scope": self.first.scope,
            "observed": self.first.observed,
            "expected": self.first.expected,
            "window_minutes": self.first.window,
            "peak_at": self.peak.detected_at.isoformat(),
            "peak_kind": self.peak.kind,
            "peak_observed": self.peak.observed,
            "peak_expected": self.peak.expected,
            "updates": self.updates,
            "scopes": list(self.scopes),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
        }


class _Scope:
    """The running state of one scope: the last minutes, hourly counts, baselines and levels per kind."""

    def __init__(self) -> None:
        self.recent = {kind: deque([0] * LOOKBACK_MINUTES, maxlen=LOOKBACK_MINUTES) for kind in KINDS}
        self.normal = {kind: deque([(0.0, 0.0)] * LOOKBACK_MINUTES, maxlen=LOOKBACK_MINUTES) for kind in KINDS}
        self.hourly: dict[str, dict[datetime, float]] = {kind: defaultdict(float) for kind in KINDS}
        self.baseline: dict[str, Baseline] = dict.fromkeys(KINDS, EMPTY_BASELINE)
        self.level: dict[str, float] = dict.fromkeys(KINDS, 1.0)

    def add(self, minute: datetime, counts: tuple[int, int]) -> None:
        for kind, count in zip(KINDS, counts, strict=True):
            self.recent[kind].append(count)
            self.normal[kind].append(self.baseline[kind].at(minute))
            if count:
                self.hourly[kind][hour_start(minute)] += count

    def relearn(self, now: datetime, since: datetime, *, baseline: bool) -> None:
        for kind in KINDS:
            if baseline or not self.baseline[kind].ready:
                self.baseline[kind] = learn_baseline(self.hourly[kind], now=now, since=since)
            self.level[kind] = learn_level(self.hourly[kind], self.baseline[kind], now=now)
            minutes = [now - MINUTE * back for back in range(LOOKBACK_MINUTES, 0, -1)]
            self.normal[kind].extend(self.baseline[kind].at(minute) for minute in minutes)


def _minutes(first: datetime, last: datetime) -> Iterator[datetime]:
    minute = first
    while minute <= last:
        yield minute
        minute += MINUTE


def replay(
    series: Series,
    *,
    sensitivity: str = "normal",
    since: datetime,
    until: datetime,
    report_from: datetime | None = None,
) -> list[Alert]:
    """Run the detector over [since, until] (history starts at `since`); alerts detected from `report_from` on."""
    settings = SENSITIVITIES[sensitivity]
    scopes = {name: _Scope() for name in series}
    storm: Storm | None = None
    alerts: list[Alert] = []
    current: Alert | None = None
    for minute in _minutes(since, until):
        now = minute + MINUTE
        for name, scope in scopes.items():
            scope.add(minute, series[name].get(minute, (0, 0)))
            if now.minute == 0:
                scope.relearn(now, since, baseline=now.hour == 0)
        detections = [
            found
            for name, scope in scopes.items()
            for kind in KINDS
            if scope.baseline[kind].ready
            and (
                found := detect(
                    now=now,
                    counts=list(scope.recent[kind]),
                    normal=list(scope.normal[kind]),
                    level=scope.level[kind],
                    sensitivity=settings,
                    kind=kind,
                    scope=name,
                )
            )
        ]
        step = step_storm(storm, detections, now=now, sensitivity=settings)
        storm = step.storm
        if step.event == "new" and storm and (report_from is None or now >= report_from):
            current = Alert(storm.first, storm.peak, scopes=storm.scopes)
            alerts.append(current)
        elif step.event == "ended" and current:
            current.ended_at, current = now, None
        elif storm and current:
            current.peak, current.updates, current.scopes = storm.peak, storm.updates, storm.scopes
    return alerts
