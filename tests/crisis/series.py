"""Synthetic per-minute mention series: weekday/weekend and daily shape with Poisson noise, surges, growth."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
WEEK_MINUTES = 7 * 24 * 60
PEAK_PER_MINUTE = 6.0
NEGATIVE_SHARE = 0.15

Counts = dict[datetime, tuple[int, int]]


def normal_rate(minute: datetime) -> float:
    """Mentions a minute: quiet nights, a peak mid-afternoon UTC, weekends at 60%."""
    hour = minute.hour + minute.minute / 60
    daily = 0.08 + 0.92 * (0.5 - 0.5 * math.cos(2 * math.pi * (hour - 3) / 24)) ** 2
    weekly = 0.6 if minute.weekday() >= 5 else 1.0
    return PEAK_PER_MINUTE * daily * weekly


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method in chunks, exact for the small means a minute has."""
    count = 0
    while mean > 0:
        chunk = min(mean, 30.0)
        mean -= chunk
        limit, product = math.exp(-chunk), rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
    return count


def generate(
    weeks: int, *, seed: int, growth: Callable[[datetime], float] = lambda minute: 1.0, start: datetime = START
) -> Counts:
    rng = random.Random(seed)
    series: Counts = {}
    for index in range(weeks * WEEK_MINUTES):
        minute = start + timedelta(minutes=index)
        rate = normal_rate(minute) * growth(minute)
        negative = poisson(rng, rate * NEGATIVE_SHARE)
        other = poisson(rng, rate * (1 - NEGATIVE_SHARE))
        if negative or other:
            series[minute] = (negative + other, negative)
    return series


def inject_negative_surge(series: Counts, *, at: datetime, minutes: int, seed: int) -> Counts:
    """Negative mentions at five times their normal rate, and at least one more than normal every minute."""
    rng = random.Random(seed)
    surged = dict(series)
    for index in range(minutes):
        minute = at + timedelta(minutes=index)
        normal_negative = normal_rate(minute) * NEGATIVE_SHARE
        extra = max(1, poisson(rng, 4 * normal_negative))
        mentions, negative = surged.get(minute, (0, 0))
        surged[minute] = (mentions + extra, negative + extra)
    return surged
