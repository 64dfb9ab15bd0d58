"""Shared start-up of benchmarks: their own data folder and database, Django set up, migrations applied.

With DATABASE_URL unset the embedded PostgreSQL/Redis start under var/bench (never the demo's var/);
with DATABASE_URL set, the bench uses a database of its own beside it (NAME_bench), created on demand.
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


def _create_database_if_missing(bench_url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(bench_url)
    name = parts.path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def setup(name: str) -> None:
    """Point Django at the bench's own data, set it up and migrate (quietly)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "promptly.settings")
    os.environ.setdefault("PROMPTLY_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if os.environ.get("DATABASE_URL"):
        bench_url = _own_database(os.environ["DATABASE_URL"], f"bench_{name}")
        _create_database_if_missing(bench_url)
        os.environ["DATABASE_URL"] = bench_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
