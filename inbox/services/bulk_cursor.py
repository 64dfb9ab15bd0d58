"""A database cursor for bulk statements that answer hundreds of timestamps (ingest, the SLA clocks it starts).

Django reads every timestamptz through a Python subclass of psycopg's pure-Python loader, so that it can
attach its own time zone: 3.1 us a value here, against 0.5 us for psycopg's own loader (C, with
psycopg[binary]). A page of ingest reads about a thousand (conversation states, waits). When Django's zone
is UTC the database session's is too (Django sets it), and psycopg's loader gives the very same values, so
such cursors use it. Per cursor, not per connection: Django reads a `timezone` attribute off the
connection's loader each time it opens a cursor, which psycopg's C loader cannot carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection
from django.db.backends.utils import CursorWrapper
from psycopg.postgres import types
from psycopg.pq import Format

_TIMESTAMPTZ = types["timestamptz"].oid
_PSYCOPG_LOADER = psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT)


@contextmanager
def bulk_cursor() -> Iterator[CursorWrapper]:
    """Django's cursor (same connection, transaction and query log) with psycopg's timestamptz loader."""
    with connection.cursor() as cursor:
        if connection.timezone_name == "UTC":
            cursor.cursor.adapters.register_loader(_TIMESTAMPTZ, _PSYCOPG_LOADER)
        yield cursor
