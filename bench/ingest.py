"""Ingest benchmark: mentions/s through ingest_batch (enrichment on, one process) next to a plain COPY.

Generates N realistic mentions in English, Spanish, Russian and Lithuanian (complaints, questions,
praise, replies inside threads, the brand's own replies, emoji, links) and stores them in pages of
--batch through `ingest_batch` — dedupe, authors, threading, enrichment, SLA clock, cursor, signal and
live event — twice: a transaction a page (as a webhook delivery or a poll that finds one page), and
pages combined as a poll stores them while its stream has more ready (monitoring.services.PendingPages),
the headline figure. Then COPYs the very same rows, in the same transactions, into a plain table shaped
like inbox_message with the same unique index: the physical limit of getting these rows into this
PostgreSQL.

    .venv/bin/python bench/ingest.py [--size 20000] [--batch 100]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import start_stack

TEXTS = {
    "en": [
        "@acme ordered a flat white and got a caramel frappe, wrong order again 😡",
        "Where is my order #{n}? Still waiting since Tuesday",
        "Thanks @acme, the new autumn menu is amazing ❤️",
        "Does the store on Main St open on Sundays?",
        "Cold fries and a 50 minute wait, never again https://example.com/p/{n}",
        "Shout out to the team at @acme, best coffee in town",
    ],
    "es": [
        "Pedido equivocado otra vez, me llegó un frappé en vez de un cortado",
        "¿Dónde está mi pedido {n}? Sigo esperando",
        "¡Gracias por el envío tan rápido! Todo perfecto 👍",
        "¿A qué hora cierra la tienda los domingos?",
        "Pésimo servicio, nadie contesta el teléfono",
    ],
    "ru": [
        "Опять не тот заказ, привезли какао вместо латте",
        "Где мой заказ {n}? До сих пор жду",
        "Спасибо за быструю доставку, все отлично!",
        "Во сколько закрывается магазин в воскресенье?",
        "Ужасный сервис, никто не отвечает на звонки 😡",
    ],
    "lt": [
        "Vėl ne tas užsakymas, atvežė kakavą vietoj latte",
        "Kur mano užsakymas {n}? Vis dar laukiu",
        "Ačiū už greitą pristatymą, viskas puiku!",
        "Kada sekmadienį užsidaro parduotuvė?",
        "Siaubingas aptarnavimas, niekas neatsako telefonu",
    ],
}
BRAND_REPLY = "Sorry about that, we're on it. Could you DM us your order number?"
T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def generate(size: int, seed: int = 7, prefix: str = "") -> list:
    """Mentions in time order: 70% start a thread, 25% reply inside one, 5% are the brand answering.

    `prefix` starts every id (authors, threads, posts), so each run meets customers no run met before.
    """
    from monitoring.connectors.base import InboundAuthor, InboundMessage

    rng = random.Random(seed)
    authors = [
        InboundAuthor(
            external_id=f"{prefix}a{n}",
            handle=f"user{n}",
            name=f"User {n}",
            followers_count=rng.choice([12, 340, 5_000, 120_000]),
        )
        for n in range(max(10, size // 20))
    ]
    brand = InboundAuthor(external_id="brand", handle="acme", name="Acme")
    threads: list[str] = []
    messages = []
    for n in range(size):
        roll = rng.random()
        language = rng.choice(list(TEXTS))
        text = rng.choice(TEXTS[language]).format(n=n)
        thread = rng.choice(threads) if threads and roll >= 0.70 else f"{prefix}t{n}"
        if thread == f"{prefix}t{n}":
            threads.append(thread)
        own = roll >= 0.95
        messages.append(
            InboundMessage(
                external_id=f"{prefix}m{n}",
                thread_key=thread,
                visibility="public",
                text=BRAND_REPLY if own else text,
                platform_time=T0 + timedelta(seconds=n),
                author=brand if own else rng.choice(authors),
                url=f"https://x.example/acme/status/{n}",
                in_reply_to="" if thread == f"{prefix}t{n}" else thread,
                language_hint="" if own else language,
                is_from_brand=own,
                raw={"id": f"{prefix}m{n}", "text": text, "lang": language},
            )
        )
    return messages


class Stopwatch:
    """Wall seconds, this process's CPU seconds and its PostgreSQL backend's (None when the server is elsewhere).

    Python and PostgreSQL take turns on one connection: the two CPU figures say which side a change made
    faster, and together how much of the wall time a busy machine took from both.
    """

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        self._stat = Path(f"/proc/{pid}/stat")
        self.seconds = self.cpu = 0.0
        self.db_cpu: float | None = None

    def _db_cpu(self) -> float | None:
        try:
            stat = self._stat.read_text()
        except OSError:
            return None
        if not stat.split(" ", 1)[1].startswith("(postgres)"):
            return None  # a process of this machine that has the pid of a backend on another
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def __enter__(self) -> Stopwatch:
        self._started, self._cpu, self._db = time.perf_counter(), time.process_time(), self._db_cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._started
        self.cpu = time.process_time() - self._cpu
        db = self._db_cpu()
        self.db_cpu = db - self._db if db is not None and self._db is not None else None


def time_ingest(account, messages: list, batch: int, *, combine: bool) -> tuple[Stopwatch, int, int, list[int]]:
    """Pages of `batch` through ingest_batch: each page its own transaction, or combined as a poll does while
    its stream has more ready (monitoring.services.PendingPages: the same code, in the same loop).

    Returns the stopwatch, the mentions stored, the duplicates, and how many mentions each transaction held.
    """
    from inbox.services.ingest import ingest_batch
    from monitoring.connectors.base import FetchResult
    from monitoring.services import PendingPages

    stored = duplicates = 0
    transactions: list[int] = []
    pending = PendingPages()
    with Stopwatch() as watch:
        for start in range(0, len(messages), batch):
            page = messages[start : start + batch]
            result = FetchResult(
                messages=page, position={"since_id": page[-1].external_id}, has_more=start + batch < len(messages)
            )
            if combine:
                pending.add(result)
                if result.has_more and not pending.full():
                    continue
                result = pending.take()
            report = ingest_batch(account=account, stream="mentions", result=result)
            transactions.append(len(result.messages))
            stored += report.stored
            duplicates += report.duplicates
    return watch, stored, duplicates, transactions


def time_enrichment(messages: list, batch: int) -> Stopwatch:
    """Enrichment as ingest runs it, page by page (the rows are prepared before the clock starts)."""
    from inbox.services.ingest_rows import enrich_rows, prepare

    pages = [prepare(messages[start : start + batch]).rows for start in range(0, len(messages), batch)]
    with Stopwatch() as watch:
        for rows in pages:
            enrich_rows(rows)
    return watch


BASELINE_COLUMNS = (
    "conversation_id, account_id, external_id, direction, visibility, in_reply_to, text, url, platform_time, "
    "received_at, language, sentiment, priority, raw, matched_query, is_automated, delivery_status, delivery_error, "
    "created_at"
)


def time_baseline(account_id: int, messages: list, transactions: list[int]) -> Stopwatch:
    """COPY of the same rows, in transactions of the sizes given (ingest's), into a plain inbox_message-shaped table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_message")
        cursor.execute("CREATE TABLE bench_plain_message (LIKE inbox_message INCLUDING ALL)")
    now = datetime.now(UTC)
    rows = [
        (
            1,
            account_id,
            m.external_id,
            "in",
            m.visibility,
            m.in_reply_to,
            m.text,
            m.url,
            m.platform_time,
            now,
            "",
            "neutral",
            0,
            json.dumps(m.raw, ensure_ascii=False),
            False,
            False,
            "",
            "",
            now,
        )
        for m in messages
    ]
    with Stopwatch() as watch:
        start = 0
        for size in transactions:
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.copy(f"COPY bench_plain_message ({BASELINE_COLUMNS}) FROM STDIN") as copy,
            ):
                for row in rows[start : start + size]:
                    copy.write_row(row)
            start += size
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_plain_message")
    return watch


def warm_up(brand, batch: int) -> None:
    """A database in service has rows and planner statistics: ingest a warm-up set elsewhere, then ANALYZE.

    Without it every run would measure a fresh install's first minute, before autovacuum's first
    ANALYZE, when the planner believes the tables are empty.
    """
    from django.db import connection

    from monitoring.models import ChannelAccount, Platform

    other = ChannelAccount.objects.create(brand=brand, platform=Platform.X, external_id="warm-up", handle="acme2")
    time_ingest(other, generate(5_000, seed=11, prefix="w"), batch, combine=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE inbox_message, inbox_conversation, inbox_responseclock, inbox_author, monitoring_streamcursor"
        )


def vacuum() -> None:
    """Earlier runs leave every row they stored dead (their brand is deleted): clear them, so each run meets
    tables as a database in service has them, not hundreds of MB of dead row versions (measured: 902
    mentions/s on such leftovers, 1,134 right after a VACUUM FULL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM inbox_message, inbox_conversation, inbox_responseclock, inbox_author")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="mentions to ingest")
    parser.add_argument("--batch", type=int, default=100, help="mentions per fetched page (X returns up to 100)")
    args = parser.parse_args()
    start_stack("ingest")

    from brands.models import Brand
    from inbox.enrichment.language import detector
    from monitoring.models import ChannelAccount, Platform

    Brand.objects.filter(slug="bench-ingest").delete()
    vacuum()
    brand = Brand.objects.create(slug="bench-ingest", name="Bench ingest")
    account = ChannelAccount.objects.create(brand=brand, platform=Platform.X, external_id="bench", handle="acme")
    messages = generate(args.size, prefix="c")
    detector()  # models load once per process, before any timing
    warm_up(brand, args.batch)

    enrichment = time_enrichment(messages, args.batch)
    # A transaction a page first, so the headline run (combined) meets the larger tables, not the smaller.
    page_by_page, stored_page_by_page, _, _ = time_ingest(
        account, generate(args.size, prefix="p"), args.batch, combine=False
    )
    ingest, stored, _, transactions = time_ingest(account, messages, args.batch, combine=True)
    again, _, duplicates, _ = time_ingest(account, messages, args.batch, combine=True)
    baseline = time_baseline(account.pk, messages, transactions)
    per_transaction = max(transactions)
    brand.delete()

    mentions_per_s = stored / ingest.seconds
    baseline_rows_per_s = args.size / baseline.seconds
    print(
        f"ingest bench: {args.size} mentions in pages of {args.batch}, one process, enrichment on; a poll stores"
        f" the pages a stream has ready together, {per_transaction} mentions a transaction\n"
    )
    # Wall-clock figures count; the CPU seconds say how much a busy machine slowed each side.
    titles = ["step", "rows", "seconds", "rows/s", "our CPU s", "PostgreSQL CPU s"]
    widths = [56, 7, 8, 9, 9, 16]
    print("| " + " | ".join(f"{title:<{width}}" for title, width in zip(titles, widths, strict=True)) + " |")
    print(
        "| "
        + " | ".join("-" * width if not index else "-" * (width - 1) + ":" for index, width in enumerate(widths))
        + " |"
    )
    for step, rows, watch in [
        ("enrichment alone (language, sentiment, priority)", args.size, enrichment),
        ("ingest_batch: new mentions, a transaction a page", stored_page_by_page, page_by_page),
        (f"ingest_batch: new mentions, {per_transaction} a transaction", stored, ingest),
        ("ingest_batch: the same again (all duplicates)", duplicates, again),
        ("baseline: COPY of the same rows, same transactions", args.size, baseline),
    ]:
        db_cpu = "n/a" if watch.db_cpu is None else f"{watch.db_cpu:.2f}"
        cells = [f"{rows}", f"{watch.seconds:.2f}", f"{rows / watch.seconds:.0f}", f"{watch.cpu:.2f}", db_cpu]
        print(
            f"| {step:<{widths[0]}} | "
            + " | ".join(f"{cell:>{width}}" for cell, width in zip(cells, widths[1:], strict=True))
            + " |"
        )
    ratio = mentions_per_s / baseline_rows_per_s
    print(
        f"\ningest runs at {mentions_per_s:.0f} mentions/s ({stored_page_by_page / page_by_page.seconds:.0f} a"
        f" transaction a page), {ratio:.2f}x the plain COPY rate (target: at least 3,000 mentions/s)\n"
    )
    print(
        json.dumps(
            {
                "bench": "ingest",
                "size": args.size,
                "batch": args.batch,
                "per_transaction": per_transaction,
                "mentions_per_s_a_transaction_a_page": round(stored_page_by_page / page_by_page.seconds, 1),
                "mentions_per_s": round(mentions_per_s, 1),
                "baseline_rows_per_s": round(baseline_rows_per_s, 1),
                "ratio": round(ratio, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
