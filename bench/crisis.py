"""Benchmark: every brand's crisis detector for a minute, on its minute counts, and an eight-week backtest.

    .venv/bin/python bench/crisis.py [--size 10] [--minutes 30]

Seeds its own database (embedded PostgreSQL under var/bench; with DATABASE_URL set, NAME_bench_crisis beside
it) with INSERT ... SELECT generate_series: --size brands, eight weeks of per-minute counts each (all
channels, a daily shape with noise), reused when present. Each brand's detector then runs for the minute
that just ended (the first run learns its baselines from the eight weeks, as the first minute of a day does)
and for --minutes more minutes in a row (crisis.services.detect.detect_brand, as beat runs it). The baseline
is the one read any detector needs: the brand's last 30 minute rows through the unique index. Last, the
backtest replays one brand's eight weeks of minutes (crisis.replay). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import start_stack

# A database of its own, as every bench: never the app's own data under DATABASE_URL.
start_stack("crisis")

from django.db import connection  # noqa: E402

from brands.models import Brand  # noqa: E402
from crisis.models import DetectorState, Incident, MinuteCount, Spike  # noqa: E402
from crisis.replay import replay  # noqa: E402
from crisis.services.counts import recent_counts  # noqa: E402
from crisis.services.detect import detect_brand  # noqa: E402

WEEKS = 8
# The minute the bench's detectors run at: one past the hour, so the minutes after it stay in that hour.
NOW = datetime(2026, 3, 2, 15, 1, tzinfo=UTC)
START = NOW.replace(minute=0) - timedelta(weeks=WEEKS)
TARGET_P95_MS = 20.0

SEED_SQL = """
INSERT INTO crisis_minutecount (brand_id, query_id, minute, mentions, negative)
SELECT brand_id, 0, minute, mentions, floor(mentions * random() * 0.3)::int FROM (
    SELECT b AS brand_id, m AS minute,
           floor(random() * 2 * (0.3 + 5 * (0.5 - 0.5 * cos(2 * pi() * (extract(hour FROM m) - 3) / 24))))::int
               AS mentions
    FROM unnest(%s::bigint[]) AS b, generate_series(%s::timestamptz, %s::timestamptz, interval '1 minute') AS m
) AS counts
WHERE mentions > 0
ON CONFLICT DO NOTHING
"""


def seed(size: int) -> list[int]:
    """The bench's brands with eight weeks of minute counts each; the detectors start from nothing learned."""
    brands = [
        Brand.objects.get_or_create(slug=f"bench-crisis-{index}", defaults={"name": f"Bench crisis {index}"})[0].pk
        for index in range(size)
    ]
    empty = [pk for pk in brands if not MinuteCount.objects.filter(brand_id=pk).exists()]
    if empty:
        with connection.cursor() as cursor:
            cursor.execute(SEED_SQL, [empty, START, NOW - timedelta(minutes=1)])
            cursor.execute("ANALYZE crisis_minutecount")
    Incident.objects.filter(brand_id__in=brands).delete()
    Spike.objects.filter(brand_id__in=brands).delete()
    DetectorState.objects.filter(brand_id__in=brands).delete()
    return brands


def _timed_ms(call: object, cpu: list[float] | None = None) -> float:
    """Wall milliseconds of the call; with `cpu`, this process's CPU milliseconds are noted there too."""
    started, started_cpu = time.perf_counter(), time.process_time()
    call()  # type: ignore[operator]
    if cpu is not None:
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(brands: list[int], minutes: int) -> dict[str, list[float]]:
    learn = [_timed_ms(lambda pk=pk: detect_brand(brand_id=pk, now=NOW)) for pk in brands]
    minute: list[float] = []
    cpu: list[float] = []
    read: list[float] = []
    for step in range(1, minutes + 1):
        now = NOW + timedelta(minutes=step)
        for pk in brands:
            minute.append(_timed_ms(lambda pk=pk, now=now: detect_brand(brand_id=pk, now=now), cpu))
            read.append(_timed_ms(lambda pk=pk, now=now: recent_counts(brand_id=pk, now=now)))
    return {"learn": learn, "minute": minute, "cpu": cpu, "read": read}


def backtest_seconds(brand_id: int) -> tuple[float, int]:
    rows = MinuteCount.objects.filter(brand_id=brand_id, query_id=0).values_list("minute", "mentions", "negative")
    series = {minute: (mentions, negative) for minute, mentions, negative in rows}
    started = time.perf_counter()
    replay({"all": series}, sensitivity="normal", since=START, until=NOW - timedelta(minutes=1))
    return time.perf_counter() - started, len(series)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10, help="Brands, each with eight weeks of minute counts.")
    parser.add_argument("--minutes", type=int, default=30, help="Minutes in a row after the first (at most 58).")
    args = parser.parse_args()
    started = time.perf_counter()
    brands = seed(args.size)
    seeded = time.perf_counter() - started
    result = measure(brands, min(args.minutes, 58))
    replayed, rows = backtest_seconds(brands[0])
    p50, p95 = statistics.median(result["minute"]), _percentile(result["minute"], 0.95)
    base95 = _percentile(result["read"], 0.95)
    print(f"brands                     {args.size:>10,} x {WEEKS} weeks of minute counts ({seeded:.1f} s to seed)")
    print(f"{'':27}{'p50 ms':>10}{'p95 ms':>10}")
    learn50, learn95 = statistics.median(result["learn"]), _percentile(result["learn"], 0.95)
    print(f"{'first minute (learns)':27}{learn50:>10.1f}{learn95:>10.1f}")
    print(f"{'a minute, one brand':27}{p50:>10.1f}{p95:>10.1f}")
    print(f"{'  of it our CPU':27}{statistics.median(result['cpu']):>10.1f}{_percentile(result['cpu'], 0.95):>10.1f}")
    print(f"{'last 30 minute rows (1)':27}{statistics.median(result['read']):>10.1f}{base95:>10.1f}")
    print(f"backtest, {WEEKS} weeks ({rows:,} minutes with counts): {replayed:.1f} s")
    print(f"target p95 <= {TARGET_P95_MS:.0f} ms a brand-minute: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}")
    figures = {
        "bench": "crisis",
        "size": args.size,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "cpu_p50_ms": round(statistics.median(result["cpu"]), 1),
        "learn_p50_ms": round(learn50, 1),
        "backtest_s": round(replayed, 2),
        "baseline_p95_ms": round(base95, 2),
        "ratio": round(p95 / base95, 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
