"""The sandbox app exists only where PROMPTLY_SANDBOX is on: production databases hold no emulated platform."""

import os
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database_url() -> Iterator[str]:
    """A database of its own on the test server, dropped afterwards."""
    server = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"promptly_sandbox_off_{uuid.uuid4().hex[:8]}"
    admin = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path="/" + name).geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(url: str, *args: str, sandbox: bool) -> None:
    env = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "promptly.settings",
        "PROMPTLY_SANDBOX": "true" if sandbox else "false",
    }
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _sandbox_traces(url: str) -> tuple[list[str], int]:
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'sandbox\\_%'"
        ).fetchall()
        records = connection.execute("SELECT count(*) FROM django_migrations WHERE app = 'sandbox'").fetchall()
    return [table for (table,) in tables], records[0][0]


def test_migrate_with_the_sandbox_off_leaves_no_sandbox_table_even_where_one_was_installed(empty_database_url):
    # A database from before the sandbox was optional: its tables were created everywhere.
    _manage(empty_database_url, "migrate", "monitoring", "0008", sandbox=True)
    _manage(empty_database_url, "migrate", "sandbox", sandbox=True)
    tables, records = _sandbox_traces(empty_database_url)
    assert "sandbox_tweet" in tables
    assert records > 0

    _manage(empty_database_url, "migrate", sandbox=False)

    assert _sandbox_traces(empty_database_url) == ([], 0)
