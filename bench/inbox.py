"""Inbox list benchmark: server time of the queue rows endpoint on a big inbox, against bare SQL for the same page.

Seeds N conversations, 3N messages and the open SLA clocks of the waiting ones (INSERT ... SELECT
generate_series, indexes built after the load), then times GET /inbox/rows/ through Django's test Client
(middleware, session, role and brand checks, ORM, template) for the first page, deeper keyset pages and
filtered pages, next to one hand-written SQL statement returning the same rows (the physical limit of
fetching that page).

    .venv/bin/python bench/inbox.py [--size 1000000] [--requests 200]
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import start_stack

BRANDS = 10
MY_BRANDS = 2  # the bench agent works on 2 of the 10 brands
AUTHORS = 100_000
PAGE = 50
NOW = "2026-11-23 12:00:00+00"

SEED_AUTHORS = """
INSERT INTO inbox_author (platform, external_id, handle, name, followers_count, profile_url, first_seen_at,
    last_seen_at)
SELECT 'x', 'bench-' || g, 'user' || g,
       (ARRAY['José Álvarez','Anna Schmidt','Li Wei','Maria Rossi','John Smith','Zoë Brontë'])[1 + g %% 6] || ' ' || g,
       g %% 50000, 'https://x.com/user' || g, %(now)s, %(now)s
FROM generate_series(1, %(authors)s) AS g
"""

SEED_CONVERSATIONS = """
INSERT INTO inbox_conversation (brand_id, account_id, thread_key, visibility, author_id, subject, status, assignee_id,
    snoozed_until, language, sentiment, priority, first_inbound_at, last_inbound_at, last_message_at,
    awaiting_reply_since, response_due_at, created_at, updated_at)
SELECT b.brand_id, b.account_id, 'bench-' || g, CASE WHEN g %% 7 = 0 THEN 'private' ELSE 'public' END,
       %(first_author)s + g %% %(authors)s, '',
       s.status,
       CASE WHEN g %% 3 = 0 THEN (%(agents)s::bigint[])[1 + g %% 4] END,
       CASE WHEN s.status = 'snoozed' THEN %(now)s::timestamptz + interval '1 day' END,
       (ARRAY['en','fr','de','es'])[1 + g %% 4],
       (ARRAY['negative','positive','neutral','neutral','neutral'])[1 + g %% 5],
       g %% 4,
       t.at, t.at + interval '20 minutes', t.at + interval '20 minutes',
       CASE WHEN s.status IN ('new','open') THEN t.at END,
       CASE WHEN s.status IN ('new','open') THEN t.at + interval '2 hours' END,
       %(now)s, %(now)s
FROM generate_series(1, %(size)s) AS g
CROSS JOIN LATERAL (SELECT (%(brands)s::bigint[])[1 + g %% %(brand_count)s] AS brand_id,
                           (%(accounts)s::bigint[])[1 + g %% %(brand_count)s] AS account_id) AS b
CROSS JOIN LATERAL (SELECT (ARRAY['new','open','pending','snoozed','resolved','resolved','resolved','resolved',
                                  'resolved','resolved'])[1 + (g / 10) %% 10] AS status) AS s
CROSS JOIN LATERAL (SELECT %(now)s::timestamptz - make_interval(secs => (%(size)s - g) * 7.7) AS at) AS t
"""

SEED_MESSAGES = """
INSERT INTO inbox_message (conversation_id, account_id, external_id, direction, visibility, author_id, in_reply_to,
    text, url, platform_time, received_at, language, sentiment, priority, raw, is_automated, delivery_status,
    delivery_error, created_at, matched_query)
SELECT c.id, c.account_id, c.thread_key || '-' || n,
       CASE WHEN n = 2 AND c.status NOT IN ('new','open') THEN 'out' ELSE 'in' END, c.visibility,
       CASE WHEN n = 2 AND c.status NOT IN ('new','open') THEN NULL ELSE c.author_id END, '',
       (ARRAY['My order has not arrived', 'Great café, thanks!', 'I want a refund for', 'Where can I buy',
              'Le produit est cassé', 'Die Lieferung ist zu spät', '¿Dónde está mi pedido?', 'Love the new'])
         [1 + (c.id + n) %% 8] || ' espresso' || ((c.id * 7 + n) %% 200) || ' ' || substr(md5(c.id::text || n), 1, 8),
       '', c.first_inbound_at + (n - 1) * interval '10 minutes', c.first_inbound_at + (n - 1) * interval '10 minutes',
       c.language, c.sentiment, 0, '{}', false,
       CASE WHEN n = 2 AND c.status NOT IN ('new','open') THEN 'sent' ELSE '' END, '', %(now)s, false
FROM inbox_conversation AS c CROSS JOIN generate_series(1, 3) AS n
"""

# The SLA clock of every waiting conversation, as the SLA module keeps it (target 2 h, at risk at 75%).
SEED_CLOCKS = """
INSERT INTO inbox_responseclock (conversation_id, brand_id, account_id, kind, started_at, platform_started_at,
    target_minutes, at_risk_at, due_at, outcome, listening_delay_seconds)
SELECT c.id, c.brand_id, c.account_id, 'first', c.awaiting_reply_since, c.awaiting_reply_since, 120,
       c.awaiting_reply_since + interval '90 minutes', c.response_due_at, 'open', 0
FROM inbox_conversation AS c
WHERE c.awaiting_reply_since IS NOT NULL
"""

# The page the endpoint shows, as one statement: rows, author, account and the latest inbound snippet.
BARE_PAGE = """
SELECT c.id, c.status, c.sentiment, c.language, c.priority, c.response_due_at, c.last_message_at,
       a.handle, a.name, ch.platform, u.username,
       (SELECT substr(m.text, 1, 160) FROM inbox_message m WHERE m.conversation_id = c.id AND m.direction = 'in'
         ORDER BY m.platform_time DESC, m.id DESC LIMIT 1)
FROM inbox_conversation c
LEFT JOIN inbox_author a ON a.id = c.author_id
JOIN monitoring_channelaccount ch ON ch.id = c.account_id
LEFT JOIN accounts_user u ON u.id = c.assignee_id
WHERE c.brand_id = ANY(%(brands)s) AND {status} {extra}
ORDER BY {order}
LIMIT 51
"""
OPEN_WORK = "c.status IN ('new','open')"
URGENT = "COALESCE(c.response_due_at, '9999-12-31 00:00:00+00'::timestamptz), c.id"
NEWEST = "c.last_message_at DESC, c.id DESC"
PRIORITY = "c.priority DESC, " + URGENT
SEARCH = " AND c.search_document @@ to_tsquery('simple'::regconfig, %(tsquery)s)"


def _heavy_indexes() -> list[tuple[Any, Any]]:
    from inbox.models import Author, Conversation, Message

    return [(model, index) for model in (Author, Conversation, Message) for index in model._meta.indexes]


def seed(size: int) -> dict:
    """Fill the bench database with `size` conversations and 3 x size messages (again only when the size changed)."""
    from django.db import connection

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import create_user
    from brands.models import Brand
    from monitoring.models import ChannelAccount

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM inbox_conversation")
        existing = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        present = {row[0] for row in cursor.fetchall()}
    complete = all(index.name in present for _, index in _heavy_indexes())
    if existing == size and complete and User.objects.filter(username="bench-agent").exists():
        print(f"reusing the seeded inbox ({size:,} conversations)")
        _seed_clocks()
        return _world()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE inbox_message, inbox_conversation, inbox_author, monitoring_channelaccount, monitoring_brand,"
            " accounts_user CASCADE"
        )
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # role groups survive TRUNCATE of users; permissions re-synced
    brands = [Brand.objects.create(slug=f"bench-{n}", name=f"Bench brand {n}") for n in range(BRANDS)]
    platforms = ["x", "facebook", "feed", "x", "facebook"]
    accounts = [
        ChannelAccount.objects.create(brand=b, platform=platforms[n % 5], external_id=f"bench-{n}", handle=f"@b{n}")
        for n, b in enumerate(brands)
    ]
    agents = [
        create_user(username=f"bench-agent{'' if n == 0 else n}", password=secrets.token_urlsafe(16), role=Role.AGENT)
        for n in range(4)
    ]
    for agent in agents:
        for brand in brands[:MY_BRANDS]:
            brand.members.add(agent)
    with connection.schema_editor() as editor:
        for model, index in _heavy_indexes():
            editor.remove_index(model, index)
    params: dict[str, Any] = {
        "now": NOW,
        "authors": AUTHORS,
        "size": size,
        "brands": [b.pk for b in brands],
        "accounts": [a.pk for a in accounts],
        "brand_count": BRANDS,
        "agents": [a.pk for a in agents],
    }
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(SEED_AUTHORS, params)
        cursor.execute("SELECT min(id) FROM inbox_author")
        params["first_author"] = cursor.fetchone()[0]
        cursor.execute(SEED_CONVERSATIONS, params)
        loaded = time.perf_counter()
        cursor.execute(SEED_MESSAGES, params)
        print(
            f"loaded {size:,} conversations and {3 * size:,} messages in {time.perf_counter() - started:.0f} s"
            f" (messages {time.perf_counter() - loaded:.0f} s)"
        )
        cursor.execute("SET maintenance_work_mem = '512MB'")
    index_started = time.perf_counter()
    with connection.schema_editor() as editor:
        for model, index in _heavy_indexes():
            editor.add_index(model, index)
    _seed_clocks()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE inbox_conversation")
        cursor.execute("VACUUM ANALYZE inbox_message")
        cursor.execute("VACUUM ANALYZE inbox_author")
    print(f"built indexes and analysed in {time.perf_counter() - index_started:.0f} s")
    return _world()


def _seed_clocks() -> None:
    """Open clocks for the waiting conversations, unless they are there (seeds older than the clocks had none)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM inbox_responseclock)")
        if cursor.fetchone()[0]:
            return
        cursor.execute(SEED_CLOCKS)
        print(f"opened {cursor.rowcount:,} SLA clocks")
        cursor.execute("VACUUM ANALYZE inbox_responseclock")


def _world() -> dict:
    from accounts.models import User

    agent = User.objects.get(username="bench-agent")
    return {"agent": agent, "brands": list(agent.brands.values_list("pk", flat=True))}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_endpoint(client, query: str, requests: int, name: str = "inbox:rows") -> tuple[list[float], str]:
    from django.urls import reverse

    url = reverse(name) + ("?" + query if query else "")
    body = ""
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        body = response.content.decode()
    return timings, body


def time_bare(sql: str, params: dict, requests: int) -> tuple[list[float], list[int]]:
    from django.db import connection

    timings, ids = [], []
    with connection.cursor() as cursor:
        for _ in range(requests):
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            ids = [row[0] for row in rows]
    return timings, ids


def row_ids(body: str) -> list[int]:
    return [int(part.split('"')[0]) for part in body.split('id="conv-')[1:]]


def cursor_after(client, query: str, pages: int) -> str:
    """The keyset cursor up to `pages` pages deep, walked the way "load more" walks it."""
    from django.urls import reverse

    cursor = ""
    for _ in range(pages):
        url = reverse("inbox:rows") + "?" + "&".join(p for p in (query, f"cursor={cursor}" if cursor else "") if p)
        body = client.get(url).content.decode()
        if "cursor=" not in body:
            break
        cursor = body.split("cursor=")[-1].split('"')[0]
    return cursor


def scenarios(client, world: dict) -> list[tuple[str, str, str, dict]]:
    """(name, endpoint query, bare SQL, its parameters) for each page measured."""
    from inbox.selectors import Sort, _moment, parse_cursor

    brands = world["brands"]
    deep = cursor_after(client, "", 20)
    due_micros, deep_id = parse_cursor(deep, Sort.URGENT)
    newest_deep = cursor_after(client, "sort=newest", 20)
    newest_micros, newest_id = parse_cursor(newest_deep, Sort.NEWEST)
    urgency = "COALESCE(c.response_due_at, '9999-12-31 00:00:00+00'::timestamptz)"
    base = {"brands": brands}
    return [
        ("first page, most urgent", "", _bare_page(order=URGENT), base),
        (
            "page 21, most urgent (keyset)",
            f"cursor={deep}",
            _bare_page(extra=f" AND ({urgency}, c.id) > (%(due)s, %(pk)s)", order=URGENT),
            {**base, "due": _moment(due_micros), "pk": deep_id},
        ),
        ("first page, newest", "sort=newest", _bare_page(order=NEWEST), base),
        (
            "page 21, newest (keyset)",
            f"sort=newest&cursor={newest_deep}",
            _bare_page(extra=" AND (c.last_message_at, c.id) < (%(at)s, %(pk)s)", order=NEWEST),
            {**base, "at": _moment(newest_micros), "pk": newest_id},
        ),
        (
            "unassigned + negative + de",
            "assignee=unassigned&sentiment=negative&language=de",
            _bare_page(
                extra=" AND c.assignee_id IS NULL AND c.sentiment = 'negative' AND c.language = 'de'", order=URGENT
            ),
            base,
        ),
        (
            "search 'espresso117'",
            "q=espresso117",
            _bare_page(extra=SEARCH, order=URGENT),
            {**base, "tsquery": "espresso117:*"},
        ),
        ("first page, priority", "sort=priority", _bare_page(order=PRIORITY), base),
        ("resolved, most urgent", "status=resolved", _bare_page(order=URGENT, status="c.status = 'resolved'"), base),
        ("every status, newest", "status=all&sort=newest", _bare_page(order=NEWEST, status="true"), base),
    ]


def _bare_page(*, order: str, extra: str = "", status: str = OPEN_WORK) -> str:
    return BARE_PAGE.format(extra=extra, order=order, status=status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="conversations to seed (messages: 3 x size)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page measured")
    args = parser.parse_args()
    start_stack("inbox")

    from django.test import Client

    world = seed(args.size)
    client = Client(SERVER_NAME="localhost")
    client.force_login(world["agent"])
    measured = scenarios(client, world)
    all_endpoint: list[float] = []
    all_bare: list[float] = []
    print(f"\ninbox rows endpoint vs bare SQL, {args.size:,} conversations, {args.requests} requests each (ms)")
    print(f"{'page':<32}{'p50':>8}{'p95':>8}{'sql p50':>9}{'sql p95':>9}{'rows':>6}  same rows")
    for name, query, sql, params in measured:
        time_endpoint(client, query, 5)  # warm caches and connections
        endpoint, body = time_endpoint(client, query, args.requests)
        bare, ids = time_bare(sql, params, args.requests)
        shown = row_ids(body)
        same = shown == ids[:PAGE]
        all_endpoint += endpoint
        all_bare += bare
        print(
            f"{name:<32}{percentile(endpoint, 0.5):>8.1f}{percentile(endpoint, 0.95):>8.1f}"
            f"{percentile(bare, 0.5):>9.1f}{percentile(bare, 0.95):>9.1f}{len(shown):>6}  {'yes' if same else 'NO'}"
        )
    counts, _ = time_endpoint(client, "", args.requests // 4, name="inbox:counts")
    print(f"{'(counts, loaded after the list)':<32}{percentile(counts, 0.5):>8.1f}{percentile(counts, 0.95):>8.1f}")
    p50, p95, base95 = percentile(all_endpoint, 0.5), percentile(all_endpoint, 0.95), percentile(all_bare, 0.95)
    print(f"\nall pages: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target <= 50 ms); bare SQL p95 {base95:.1f} ms")
    print(
        json.dumps(
            {
                "bench": "inbox",
                "size": args.size,
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "baseline_p95_ms": round(base95, 2),
                "ratio": round(p95 / base95, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
