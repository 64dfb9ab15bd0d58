"""The dashboard at a glance: figures judged against the brand's target, and charts that read at any range."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from inbox.sla.charts import heatmap_chart, trend_chart
from inbox.sla.glance import judge


@pytest.mark.parametrize(
    ("share", "state"), [(None, "neutral"), (0.95, "good"), (0.9, "good"), (0.8, "warn"), (0.355, "bad")]
)
def test_the_share_within_target_is_good_from_the_goal_and_bad_well_below(share, state):
    judged = judge({"within_target_share": share}, target_minutes=120)
    assert judged["within_target_share"].state == state
    assert judged["within_target_share"].target == "target 90% within 2 h 00 min"


@pytest.mark.parametrize(
    ("seconds", "state"),
    [(None, "neutral"), (60 * 60, "good"), (100 * 60, "warn"), (120 * 60, "warn"), (3 * 3600, "bad")],
)
def test_response_times_are_judged_against_the_brands_target(seconds, state):
    judged = judge({"median_first_seconds": seconds, "p90_first_seconds": seconds}, target_minutes=120)
    assert judged["median_first_seconds"].state == judged["p90_first_seconds"].state == state
    assert judged["median_first_seconds"].target == "target 2 h 00 min"


@pytest.mark.parametrize(
    ("breaches", "decided", "state"), [(0, 0, "neutral"), (0, 40, "good"), (2, 40, "warn"), (20, 56, "bad")]
)
def test_breaches_are_bad_once_more_than_a_tenth_of_the_decided(breaches, decided, state):
    assert judge({"breaches": breaches, "decided": decided}, target_minutes=60)["breaches"].state == state


def day(offset: int, received: int = 5, share: float | None = 0.8) -> dict:
    start = date(2026, 1, 1)
    return {
        "day": start + timedelta(days=offset),
        "received": received,
        "answered": received,
        "within_target_share": share,
    }


def widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]


def test_one_day_of_data_is_a_bar_and_a_dot_not_a_block():
    svg = str(trend_chart([day(0)], goal_share=0.9))
    assert widths(svg) == [48.0]
    assert svg.count("<circle") == 1
    assert "Jan 01" in svg


def test_a_year_of_data_is_labelled_by_month():
    svg = str(trend_chart([day(offset) for offset in range(365)], goal_share=0.9))
    labels = re.findall(r'text-anchor="middle">([^<]+)</text>', svg)
    assert labels == ["Jan 2026", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert "<circle" not in svg
    assert max(widths(svg)) < 2


def test_a_month_gets_about_eight_labels():
    svg = str(trend_chart([day(offset) for offset in range(30)], goal_share=0.9))
    assert 6 <= len(re.findall(r'text-anchor="middle">([^<]+)</text>', svg)) <= 9


def test_the_heatmap_labels_every_hour_and_prints_each_count():
    cells = [{"weekday": 1, "hour": 9, "received": 7, "median_first_seconds": 600}]
    svg = str(heatmap_chart(cells))
    hours = re.findall(r'text-anchor="middle">(\d\d)</text>', svg)
    assert hours == [f"{hour:02d}" for hour in range(24)]
    assert ">7</text>" in svg
    assert svg.count('fill="#eef1f5"') == 7 * 24
