"""Spike detection over per-minute counts: a seasonal hour-of-week baseline, a level, a Poisson scan.

Pure functions over plain numbers, shared by the live detector (crisis.services.detect) and the backtest
(crisis.replay), so the backtest replays exactly what runs every minute.

What is normal for a minute is `level * rate[hour of week]`:
- `rate` is the median over the last eight weeks of that hour of week's per-minute rate, with the median
  absolute deviation as its spread (robust: one past storm moves neither). While fewer than three weeks
  are known, the hour of day over the days known stands in; before a day is known nothing is raised.
- `level` is how the last day compared with its baseline (clamped), so traffic that grows slowly over
  weeks raises what is normal with it instead of firing every hour.

A window of the last 5 and of the last 15 minutes is compared with what is normal for it: a spike when
the count is beyond the Poisson upper quantile of the (spread-inflated) expectation at the sensitivity's
false-alarm probability, at least a multiple of it, and at least some mentions a minute above it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from statistics import median

HOURS_PER_WEEK = 168
HISTORY_WEEKS = 8
SEASONAL_MIN_WEEKS = 3
FALLBACK_DAYS = 14
MIN_HISTORY_HOURS = 24
WINDOWS = (5, 15)
LOOKBACK_MINUTES = 30
LEVEL_HOURS = 24
LEVEL_PRIOR_COUNTS = 30.0
LEVEL_BOUNDS = (0.5, 5.0)
MAD_TO_SIGMA = 1.4826
KINDS = ("volume", "negative")
SPREAD_WEIGHT = 0.5


@dataclass(frozen=True)
class Sensitivity:
    false_alarm: float  # probability a normal window passes the Poisson test
    min_ratio: float  # observed at least this multiple of expected
    min_extra_per_minute: float  # and at least this many mentions a minute above it
    cooldown_minutes: int  # quiet this long ends a storm
    growth: float  # a storm whose observed/expected grows by this factor updates its alert


SENSITIVITIES = {
    "low": Sensitivity(false_alarm=1e-8, min_ratio=3.0, min_extra_per_minute=1.0, cooldown_minutes=180, growth=2.0),
    "normal": Sensitivity(false_alarm=1e-4, min_ratio=2.0, min_extra_per_minute=0.5, cooldown_minutes=120, growth=1.5),
    "high": Sensitivity(false_alarm=1e-4, min_ratio=1.5, min_extra_per_minute=0.3, cooldown_minutes=60, growth=1.5),
}


def hour_of_week(moment: datetime) -> int:
    return moment.weekday() * 24 + moment.hour


def hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Baseline:
    """Per hour of week: the normal per-minute rate and its robust spread. `ready` is False without a day."""

    rate: tuple[float, ...]
    spread: tuple[float, ...]
    ready: bool

    def at(self, moment: datetime) -> tuple[float, float]:
        """The rate and spread for a minute, drawn straight between the middles of its hour and the nearest."""
        slot = hour_of_week(moment)
        offset = (moment.minute + 0.5) / 60 - 0.5
        other = (slot + (1 if offset > 0 else -1)) % HOURS_PER_WEEK
        share = abs(offset)
        return (
            self.rate[slot] * (1 - share) + self.rate[other] * share,
            self.spread[slot] * (1 - share) + self.spread[other] * share,
        )

    def to_json(self) -> dict[str, object]:
        return {"rate": list(self.rate), "spread": list(self.spread), "ready": self.ready}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Baseline:
        rate, spread = data["rate"], data["spread"]
        if not isinstance(rate, list) or not isinstance(spread, list):
            raise ValueError("a stored baseline holds lists of rates and spreads")
        return cls(tuple(float(x) for x in rate), tuple(float(x) for x in spread), bool(data["ready"]))


EMPTY_BASELINE = Baseline((0.0,) * HOURS_PER_WEEK, (0.0,) * HOURS_PER_WEEK, False)


def _median_mad(values: Sequence[float]) -> tuple[float, float]:
    centre = median(values)
    return centre, MAD_TO_SIGMA * median(abs(value - centre) for value in values)


def learn_baseline(hourly: Mapping[datetime, float], *, now: datetime, since: datetime) -> Baseline:
    """The baseline for the hours after `now`, from hourly counts of the hours in [since, now) (missing = 0)."""
    current = hour_start(now)
    first = hour_start(since) + (timedelta(hours=1) if since != hour_start(since) else timedelta(0))
    known_hours = int((current - first) / timedelta(hours=1))
    if known_hours < MIN_HISTORY_HOURS:
        return EMPTY_BASELINE

    def per_minute(hour: datetime) -> float:
        return hourly.get(hour, 0.0) / 60.0

    # Fallback: the hour of day over the days known, weekdays and weekend days apart once two of a kind are.
    by_day_hour: dict[tuple[bool, int], list[float]] = defaultdict(list)
    for days_back in range(1, FALLBACK_DAYS + 1):
        for hour_of_day in range(24):
            moment = current.replace(hour=hour_of_day) - timedelta(days=days_back)
            if first <= moment < current:
                by_day_hour[moment.weekday() >= 5, hour_of_day].append(per_minute(moment))

    def daily(slot: int) -> tuple[float, float]:
        weekend, hour_of_day = slot // 24 >= 5, slot % 24
        values = by_day_hour[weekend, hour_of_day]
        if len(values) < 2:
            values = values + by_day_hour[not weekend, hour_of_day]
        return _median_mad(values) if values else (0.0, 0.0)

    rates, spreads = [], []
    for slot in range(HOURS_PER_WEEK):
        last = current - timedelta(hours=(hour_of_week(current) - slot) % HOURS_PER_WEEK or HOURS_PER_WEEK)
        weeks = [last - timedelta(weeks=k) for k in range(HISTORY_WEEKS)]
        values = [per_minute(hour) for hour in weeks if hour >= first]
        rate, spread = _median_mad(values) if len(values) >= SEASONAL_MIN_WEEKS else daily(slot)
        rates.append(rate)
        spreads.append(spread)
    return Baseline(tuple(rates), tuple(spreads), True)


def learn_level(hourly: Mapping[datetime, float], baseline: Baseline, *, now: datetime) -> float:
    """How the last day (the current hour and the one before left out) ran against its baseline."""
    current = hour_start(now)
    hours = [current - timedelta(hours=back) for back in range(2, LEVEL_HOURS + 2)]
    pairs = [(hourly.get(hour, 0.0), baseline.at(hour)[0] * 60) for hour in hours]
    rough = _level(pairs, cap=None)
    return _level(pairs, cap=rough)


def _level(pairs: Sequence[tuple[float, float]], *, cap: float | None) -> float:
    # With a first estimate, an hour far above it (a storm) counts as only a little above: a storm is not the level.
    observed = expected = 0.0
    for count, normal in pairs:
        if cap is not None:
            count = min(count, cap * normal + 3 * math.sqrt(cap * normal) + 3)
        observed += count
        expected += normal
    level = (observed + LEVEL_PRIOR_COUNTS) / (expected + LEVEL_PRIOR_COUNTS)
    return min(max(level, LEVEL_BOUNDS[0]), LEVEL_BOUNDS[1])


@lru_cache(maxsize=8192)
def _poisson_threshold_bucket(bucket: int, false_alarm: float) -> int:
    """Smallest k with P(X >= k) <= false_alarm for X ~ Poisson(mean of the bucket's upper edge)."""
    mean = 1.01**bucket / 100.0
    if mean > 400:  # normal approximation with continuity correction; exact sums get slow and lose nothing
        z = math.sqrt(2) * _erfcinv(2 * false_alarm)
        return math.ceil(mean + z * math.sqrt(mean) + 0.5)
    term = math.exp(-mean)
    cumulative, k = term, 0
    while 1.0 - cumulative > false_alarm:
        k += 1
        term *= mean / k
        cumulative += term
        if term == 0.0 and k > mean:
            break
    return k + 1


def _erfcinv(y: float) -> float:
    low, high = 0.0, 10.0
    for _ in range(80):
        mid = (low + high) / 2
        if math.erfc(mid) > y:
            low = mid
        else:
            high = mid
    return high


def poisson_threshold(mean: float, false_alarm: float) -> int:
    """A count at or above this is a surprise for Poisson(mean) (the mean rounded up by at most 1%)."""
    bucket = max(0, math.ceil(math.log(max(mean, 0.01) * 100.0) / math.log(1.01)))
    return _poisson_threshold_bucket(bucket, false_alarm)


@dataclass(frozen=True)
class Detection:
    kind: str
    scope: str
    start: datetime
    detected_at: datetime
    window: int
    observed: int
    expected: float

    @property
    def ratio(self) -> float:
        return (self.observed + 1) / (self.expected + 1)


def detect(
    *,
    now: datetime,
    counts: Sequence[int],
    normal: Sequence[tuple[float, float]],
    level: float,
    sensitivity: Sensitivity,
    kind: str,
    scope: str = "all",
) -> Detection | None:
    """Is the minute before `now` part of a spike? `counts` are the last minutes (oldest first) and `normal`
    their baseline (rate, spread); the longest window is the most they need."""
    for window in WINDOWS:
        observed = sum(counts[-window:])
        expected = level * sum(rate for rate, _ in normal[-window:])
        inflated = expected + SPREAD_WEIGHT * level * sum(spread for _, spread in normal[-window:])
        if (
            observed >= poisson_threshold(inflated, sensitivity.false_alarm / len(WINDOWS))
            and observed >= sensitivity.min_ratio * expected
            and observed - expected >= sensitivity.min_extra_per_minute * window
        ):
            excess = [count - level * rate for count, (rate, _) in zip(counts, normal, strict=True)]
            start = now - timedelta(minutes=len(excess) - _surge_start(excess))
            return Detection(kind, scope, start, now, window, observed, round(expected, 2))
    return None


def _surge_start(excess: Sequence[float]) -> int:
    """Where the surge began as the detector sees it: the start of the suffix with the largest excess."""
    best, best_index, running = -math.inf, len(excess) - 1, 0.0
    for index in range(len(excess) - 1, -1, -1):
        running += excess[index]
        if running > best:
            best, best_index = running, index
    return best_index


@dataclass(frozen=True)
class Storm:
    """One surge from its first detection until it has been quiet for the cool-down: one alert."""

    first: Detection
    peak: Detection
    last_hot_at: datetime
    updates: int = 0
    scopes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class StormStep:
    storm: Storm | None
    event: str  # "new", "grew", "hot", "ended" or "" (nothing happened)


def step_storm(
    storm: Storm | None, detections: Sequence[Detection], *, now: datetime, sensitivity: Sensitivity
) -> StormStep:
    """The cool-down: a storm stays open while spikes keep coming; a clearly bigger one updates its alert."""
    strongest = max(detections, key=lambda detection: detection.ratio, default=None)
    if storm is None:
        if strongest is None:
            return StormStep(None, "")
        return StormStep(Storm(strongest, strongest, now, 0, tuple(sorted({d.scope for d in detections}))), "new")
    if strongest is None:
        if now - storm.last_hot_at >= timedelta(minutes=sensitivity.cooldown_minutes):
            return StormStep(None, "ended")
        return StormStep(storm, "")
    scopes = tuple(sorted({*storm.scopes, *(d.scope for d in detections)}))
    if strongest.ratio >= storm.peak.ratio * sensitivity.growth:
        return StormStep(
            replace(storm, peak=strongest, last_hot_at=now, updates=storm.updates + 1, scopes=scopes), "grew"
        )
    return StormStep(replace(storm, last_hot_at=now, scopes=scopes), "hot")
