"""Benchmark: the 30-day SLA dashboard over N conversations, beside the raw aggregate SQL in the same run.

    .venv/bin/python bench/dashboard.py [--size 1000000] [--days 180] [--runs 20]

Seeds its own database (embedded PostgreSQL under var/bench; with DATABASE_URL set, NAME_bench_dashboard
beside it) with INSERT ...
SELECT generate_series: one brand, N conversations over --days days, one first-response clock each and a
next-response clock for one in ten. Rolls up every complete day as `manage.py sla rollups` does (timed),
then times every dashboard figure (the seven queries the page runs: rolled-up days, the current day and the
waiting clocks live) and, as the baseline, the one raw aggregate statement (counts and percentiles over the
same window). Checks the dashboard's figures equal the raw SQL's. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import start_stack

# A database of its own, as every bench: never the app's own data under DATABASE_URL.
start_stack("dashboard")

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from brands.models import Brand  # noqa: E402
from inbox.sla.models import ResponseClock, SlaRollupDay  # noqa: E402
from inbox.sla.rollups import rebuild_days  # noqa: E402
from inbox.sla.selectors import DashboardFilters, dashboard  # noqa: E402

SLUG = "bench-sla"
TARGET_P95_MS = 300.0

BASELINE_SQL = """
SELECT count(*) FILTER (WHERE kind = 'first'),
       count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered'),
       count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered' AND stopped_at <= due_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds) FILTER (WHERE kind = 'first'),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY business_seconds) FILTER (WHERE kind = 'first')
FROM inbox_responseclock
WHERE brand_id = %s AND started_at >= %s AND started_at < %s
"""


def _defaults_for(table: str, given: dict[str, str]) -> dict[str, str]:
    """SQL for every NOT NULL column without a default that `given` leaves out (other apps add columns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT column_name, data_type FROM information_schema.columns
            WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'
            """,
            [table],
        )
        missing = {name: kind for name, kind in cursor.fetchall() if name not in given}
    filler = {"boolean": "false", "jsonb": "'{}'::jsonb", "timestamp with time zone": "now()", "ARRAY": "'{}'"}
    return {
        name: filler.get(kind, "0" if "int" in kind or kind == "numeric" else "''") for name, kind in missing.items()
    }


def _insert(table: str, columns: dict[str, str], size: int) -> None:
    columns = {**columns, **_defaults_for(table, columns)}
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(columns.values())} FROM generate_series(1, %s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [size])


@transaction.atomic
def seed(size: int, days: int) -> Brand:
    brand = Brand.objects.filter(slug=SLUG).first()
    if brand is not None:
        clocks = ResponseClock.objects.filter(brand=brand, kind="first").count()
        if clocks == size:
            return brand
        brand.delete()
    from accounts.models import User
    from monitoring.models import ChannelAccount

    brand = Brand.objects.create(slug=SLUG, name="Bench", audience_time_zone="America/New_York")
    for n in range(4):
        ChannelAccount.objects.create(
            brand=brand, platform="x" if n % 2 else "facebook", external_id=f"b{n}", handle=f"acct{n}"
        )
    for n in range(20):
        user, _ = User.objects.get_or_create(username=f"bench-agent-{n}")
        brand.members.add(user)
    account_ids = list(brand.accounts.values_list("pk", flat=True))
    agent_ids = list(brand.members.values_list("pk", flat=True))
    params = {"brand": brand.pk, "days": days, "size": size}
    # Times spread evenly back from now; pseudo-random answers from the row number (no random() so reruns agree).
    started = "now() - interval '1 second' * (g::float8 * {days} * 86400 / {size})".format(**params)
    _insert(
        "inbox_conversation",
        {
            "brand_id": str(brand.pk),
            "account_id": f"(ARRAY{account_ids}::bigint[])[1 + g %% 4]",
            "thread_key": "'bench-' || g",
            "visibility": "'public'",
            "subject": "'Where is my order #' || g",
            "status": "CASE WHEN g < 400 THEN 'open' ELSE 'resolved' END",
            "assignee_id": f"(ARRAY{agent_ids}::bigint[])[1 + g %% 20]",
            "first_inbound_at": started,
            "last_inbound_at": started,
            "last_message_at": started,
            "created_at": started,
            "updated_at": started,
        },
        size,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inbox_responseclock
                (conversation_id, brand_id, account_id, kind, started_at, platform_started_at, target_minutes,
                 at_risk_at, due_at, outcome, stopped_at, responder_id, reply_account_id, response_seconds,
                 response_seconds_platform, business_seconds, business_seconds_platform, listening_delay_seconds,
                 automated_ack_at, automated_ack_seconds)
            SELECT c.id, c.brand_id, c.account_id, k.kind, c.first_inbound_at + k.shift,
                   c.first_inbound_at + k.shift - make_interval(secs => c.id %% 300), 120,
                   c.first_inbound_at + k.shift + interval '90 minutes',
                   c.first_inbound_at + k.shift + interval '2 hours',
                   CASE WHEN c.status = 'open' THEN 'open' ELSE 'answered' END,
                   CASE WHEN c.status = 'open' THEN NULL
                        ELSE c.first_inbound_at + k.shift + make_interval(secs => r.s) END,
                   CASE WHEN c.status = 'open' THEN NULL ELSE c.assignee_id END,
                   CASE WHEN c.status = 'open' THEN NULL ELSE c.account_id END,
                   CASE WHEN c.status = 'open' THEN NULL ELSE r.s END,
                   CASE WHEN c.status = 'open' THEN NULL ELSE r.s + c.id %% 300 END,
                   CASE WHEN c.status = 'open' THEN NULL ELSE r.s END,
                   CASE WHEN c.status = 'open' THEN NULL ELSE r.s + c.id %% 300 END,
                   c.id %% 300,
                   CASE WHEN c.id %% 5 = 0 THEN c.first_inbound_at + k.shift + interval '1 minute' END,
                   CASE WHEN c.id %% 5 = 0 THEN 60 END
            FROM inbox_conversation AS c
            CROSS JOIN LATERAL (VALUES ('first', interval '0'), ('next', interval '1 day')) AS k(kind, shift)
            CROSS JOIN LATERAL (SELECT ((c.id * 7919) %% 14400)::int AS s) AS r
            WHERE c.brand_id = %s AND (k.kind = 'first' OR (c.id %% 10 = 0 AND c.status <> 'open'))
            """,
            [brand.pk],
        )
    return brand


def settle() -> None:
    """What autovacuum does to a table after a bulk load: statistics and the visibility map (index-only scans)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) inbox_conversation")
        cursor.execute("VACUUM (ANALYZE) inbox_responseclock")


def roll_up(brand: Brand, days: int) -> int:
    """Roll up every complete day the seed spans that is not rolled up yet, as `manage.py sla rollups` does."""
    zone = ZoneInfo(brand.audience_time_zone)
    today = timezone.now().astimezone(zone).date()
    built = set(SlaRollupDay.objects.filter(brand=brand).values_list("day", flat=True))
    start = today - timedelta(days=days + 1)
    missing = [start + timedelta(days=n) for n in range((today - start).days) if start + timedelta(days=n) not in built]
    for offset in range(0, len(missing), 7):
        rebuild_days(brand=brand, days=missing[offset : offset + 7])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) inbox_slarollupcell")
        cursor.execute("VACUUM (ANALYZE) inbox_slarollupday")
    return len(missing)


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(brand: Brand, runs: int) -> dict[str, Any]:
    today = timezone.now().date()
    filters = DashboardFilters(brand=brand, start=today - timedelta(days=29), end=today)
    first, after = filters.window
    dashboard(filters)  # warm the caches once, as a page a supervisor keeps open would
    page, raw = [], []
    for _ in range(runs):
        started = time.perf_counter()
        board = dashboard(filters)
        page.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL, [brand.pk, first, after])
            baseline = cursor.fetchone()
        raw.append((time.perf_counter() - started) * 1000)
    # Same window, same data: the dashboard's figures are the raw SQL's, exactly (only answered clocks have times).
    summary = board.summary
    shown = tuple(summary[name] for name in ("received", "answered", "within_target"))
    shown += (summary["median_first_seconds"], summary["p90_first_seconds"])
    assert baseline is not None and shown == tuple(baseline), (shown, baseline)  # noqa: S101
    return {"page": page, "raw": raw, "received": baseline[0], "start": filters.start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="Conversations to seed.")
    parser.add_argument("--days", type=int, default=180, help="Days the conversations spread over.")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    brand = seed(args.size, args.days)
    seeded = time.perf_counter() - started
    settle()
    started = time.perf_counter()
    rolled = roll_up(brand, args.days)
    rolled_seconds = time.perf_counter() - started
    result = measure(brand, args.runs)
    p50, p95 = statistics.median(result["page"]), _percentile(result["page"], 0.95)
    base95 = _percentile(result["raw"], 0.95)
    print(f"conversations seeded      {args.size:>12,} over {args.days} days ({seeded:.1f} s, reused if 0)")
    print(f"days rolled up            {rolled:>12,} ({rolled_seconds:.1f} s, reused if 0)")
    print(f"conversations in 30 days  {result['received']:>12,} (from {result['start']})")
    print(f"{'':26}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'dashboard (7 queries)':26}{p50:>10.1f}{p95:>10.1f}")
    print(f"{'raw aggregate SQL (1)':26}{statistics.median(result['raw']):>10.1f}{base95:>10.1f}")
    print(f"target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}")
    figures = {
        "bench": "dashboard",
        "size": args.size,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "baseline_p95_ms": round(base95, 1),
        "ratio": round(p95 / base95, 2),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
