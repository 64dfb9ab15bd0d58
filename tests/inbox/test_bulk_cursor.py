"""Bulk statements read timestamps through psycopg's own loader, with the very values Django's gives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg.postgres import types
from psycopg.pq import Format

from inbox.services.bulk_cursor import bulk_cursor

SQL = """
    SELECT %s::timestamptz, NULL::timestamptz, '2026-03-29 03:30:00.000001+03'::timestamptz,
        '0001-01-01 00:00:00+00'::timestamptz, now()
"""


@pytest.mark.django_db
def test_timestamps_read_by_a_bulk_cursor_equal_djangos():
    moment = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(SQL, [moment])
        expected = cursor.fetchone()
    with bulk_cursor() as cursor:
        cursor.execute(SQL, [moment])
        got = cursor.fetchone()
        loader = cursor.cursor.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert not issubclass(loader, BaseTzLoader)
    assert got[:4] == expected[:4] and got[0] == moment
    assert [value.tzinfo for value in got if value] == [UTC] * 4


@pytest.mark.django_db
def test_other_cursors_keep_djangos_loader():
    with bulk_cursor():
        pass
    with connection.cursor() as cursor:
        loader = cursor.cursor.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    assert issubclass(loader, BaseTzLoader)
