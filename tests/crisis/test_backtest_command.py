"""`manage.py crisis backtest`: a CSV series of one's own, or a brand's stored messages."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from brands.models import Brand
from tests.crisis.history import ingest_complaints
from tests.crisis.series import START, generate, inject_negative_surge
from tests.inbox.ingest_helpers import make_account

ROOT = Path(__file__).resolve().parents[2]


def _write_series(path: Path, series: dict) -> None:
    lines = ["minute,mentions,negative"]
    lines += [f"{minute.isoformat()},{mentions},{negative}" for minute, (mentions, negative) in sorted(series.items())]
    path.write_text("\n".join(lines) + "\n")


def test_series_backtest_prints_one_json_alert_a_line_for_an_injected_surge(tmp_path: Path) -> None:
    surge = START + timedelta(weeks=3, days=2, hours=3, minutes=20)
    series = inject_negative_surge(generate(4, seed=7), at=surge, minutes=30, seed=1)
    path = tmp_path / "series.csv"
    _write_series(path, series)
    run = subprocess.run(
        [sys.executable, "manage.py", "crisis", "backtest", "--series", str(path), "--sensitivity", "normal"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    alerts = [json.loads(line) for line in run.stdout.splitlines()]
    assert all({"start", "detected_at", "kind", "observed", "expected"} <= alert.keys() for alert in alerts)
    found = [
        alert
        for alert in alerts
        if surge.isoformat() <= alert["detected_at"] <= (surge + timedelta(minutes=15)).isoformat()
    ]
    assert len(found) == 1
    assert found[0]["kind"] == "negative" and found[0]["observed"] > found[0]["expected"]


def test_series_with_a_bad_line_says_which(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("minute,mentions,negative\n2026-01-05T00:00:00Z,3,1\nyesterday,1,0\n")
    with pytest.raises(CommandError, match="line 3"):
        call_command("crisis", "backtest", "--series", str(path))


@pytest.mark.django_db
def test_brand_backtest_replays_stored_messages(brand: Brand) -> None:
    account = make_account(brand)
    quiet_start = START + timedelta(days=3)
    # Two quiet days with a mention every hour, then sixty complaints in ten minutes.
    for hour in range(48):
        ingest_complaints(
            account, at=quiet_start + timedelta(hours=hour), count=1, text="Nice coffee", prefix=f"q{hour}-"
        )
    surge_at = quiet_start + timedelta(hours=50)
    ingest_complaints(account, at=surge_at, count=60, text="Terrible awful broken app, I hate it", prefix="s")
    out = StringIO()
    call_command(
        "crisis",
        "backtest",
        "--brand",
        brand.slug,
        "--from",
        (surge_at - timedelta(hours=1)).isoformat(),
        "--to",
        (surge_at + timedelta(hours=1)).isoformat(),
        stdout=out,
    )
    alerts = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(alerts) == 1, alerts
    # Six complaints a minute against one an hour: seen in the first minute, the peak on the alert.
    assert alerts[0]["start"] >= (surge_at - timedelta(minutes=11)).isoformat()
    assert alerts[0]["detected_at"] <= (surge_at - timedelta(minutes=5)).isoformat()
    assert alerts[0]["peak_observed"] >= 30
