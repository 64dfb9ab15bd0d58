"""The detector on synthetic minute series: quiet on normal seasonal traffic, quick on a negative surge."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from crisis.detection import poisson_threshold
from crisis.replay import Alert, replay
from tests.crisis.series import START, generate, inject_negative_surge

EIGHT_WEEKS = timedelta(weeks=8)


def _replay(series: dict[datetime, tuple[int, int]], sensitivity: str = "normal") -> list[Alert]:
    return replay(
        {"all": series}, sensitivity=sensitivity, since=START, until=START + EIGHT_WEEKS - timedelta(minutes=1)
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_eight_normal_weeks_raise_at_most_one_alert_a_week(seed: int) -> None:
    alerts = _replay(generate(8, seed=seed))
    per_week = Counter((alert.first.detected_at - START) // timedelta(weeks=1) for alert in alerts)
    assert max(per_week.values(), default=0) <= 1, [alert.to_json() for alert in alerts]


@pytest.mark.parametrize("offset", range(4))
def test_negative_surge_is_detected_within_15_minutes_at_every_hour_of_week(offset: int) -> None:
    # 42 surges four hours apart over the last week: the four offsets start one in each of the 168 hours of
    # the week, quiet nights and busy afternoons, weekdays and weekends, at varied minutes past the hour.
    series = generate(8, seed=offset)
    starts = [START + timedelta(weeks=7, hours=4 * k + offset, minutes=(17 * k + 11 * offset) % 45) for k in range(42)]
    for index, start in enumerate(starts):
        series = inject_negative_surge(series, at=start, minutes=30, seed=offset * 100 + index)
    alerts = _replay(series)
    latency = {}
    for alert in alerts:
        for start in starts:
            if start <= alert.first.detected_at <= start + timedelta(hours=1):
                latency[start] = alert.first.detected_at - start
    late = {
        str(start): latency.get(start) for start in starts if latency.get(start, timedelta.max) > timedelta(minutes=15)
    }
    assert not late, late
    # Besides the surges, at most the one false alarm a week that normal traffic may raise.
    assert sum(1 for alert in alerts if alert.first.detected_at >= starts[0]) <= len(starts) + 1


def test_slow_week_long_growth_does_not_fire_every_hour() -> None:
    growth_start = START + timedelta(weeks=7)

    def tripling_over_the_last_week(minute: datetime) -> float:
        return 1.0 + 2.0 * max(0.0, (minute - growth_start) / timedelta(weeks=1))

    alerts = _replay(generate(8, seed=4, growth=tripling_over_the_last_week))
    in_growth = [alert for alert in alerts if alert.first.detected_at >= growth_start]
    assert len(in_growth) <= 2, [alert.to_json() for alert in in_growth]


def test_a_storm_raises_one_alert_and_a_growing_storm_updates_it() -> None:
    series = generate(8, seed=5)
    start = START + timedelta(weeks=7, hours=14)
    series = inject_negative_surge(series, at=start, minutes=90, seed=1)
    series = inject_negative_surge(series, at=start + timedelta(minutes=30), minutes=60, seed=2)
    for index in range(60):
        minute = start + timedelta(minutes=30 + index)
        mentions, negative = series.get(minute, (0, 0))
        series[minute] = (mentions + 30, negative + 30)
    alerts = [alert for alert in _replay(series) if alert.first.detected_at >= start]
    assert len(alerts) == 1
    assert alerts[0].updates >= 1
    assert alerts[0].peak.observed > alerts[0].first.observed


def test_poisson_threshold_is_a_surprise_for_its_mean() -> None:
    assert poisson_threshold(0.01, 1e-4) == 2  # P(X >= 2) ~ 5e-5 for a mean of 0.01
    assert 100 + 3 * 10 < poisson_threshold(100.0, 1e-4) < 100 + 5 * 10
    assert poisson_threshold(1000.0, 1e-4) == pytest.approx(1000 + 3.72 * 31.6, rel=0.015)
