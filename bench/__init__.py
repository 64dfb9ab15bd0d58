"""Shared start-up of benchmarks: their own data folder and database, Django set up, migrations applied.

With DATABASE_URL unset the embedded PostgreSQL/Redis start under var/bench (never the demo's var/);
with DATABASE_URL set, a bench uses a database of its own beside it (NAME_bench_BENCH), created on demand.
"""

from __future__ import annotations

import os
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _own_database(url: str, suffix: str) -> str:
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "promptly"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_{suffix}"))


def _create_database_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urllib.parse.urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def start_stack(name: str) -> None:
    """Point Django at the bench's own data, set it up and migrate quietly."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "promptly.settings")
    os.environ.setdefault("PROMPTLY_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if os.environ.get("DATABASE_URL"):
        own = _own_database(os.environ["DATABASE_URL"], f"bench_{name}")
        _create_database_if_missing(own)
        os.environ["DATABASE_URL"] = own
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
