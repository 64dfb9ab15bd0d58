"""A database cursor for the bulk statements of ingest and of the SLA clocks it starts.

Each statement is prepared on the connection the first time it runs and executed by name after that:
PostgreSQL parses and analyses it once per connection, and once its generic plan is as cheap as the
custom ones (after five runs), plans it once too. Their text never changes and every value is a
parameter (their JSON batches above all), so a worker runs a handful of statements thousands of times.
Django leaves preparation off, for connection poolers in transaction mode; these statements ask for it
each time, and nothing else on the connection is prepared (Django's own cursors bind on the client,
which psycopg never prepares).

Several statements that do not wait on each other's answers go to PostgreSQL together, in pipeline
mode: one round trip for all of them (execute_together).

Django reads every timestamptz through a Python subclass of psycopg's pure-Python loader, so that it can
attach its own time zone: 3.1 us a value here, against 0.5 us for psycopg's own loader (C, with
psycopg[binary]). A page of ingest reads about a thousand (conversation states, waits). When Django's zone
is UTC the database session's is too (Django sets it), and psycopg's loader gives the very same values, so
these cursors use it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, cast
from weakref import WeakKeyDictionary

import psycopg
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from psycopg.abc import Loader
from psycopg.postgres import types
from psycopg.pq import ExecStatus, Format

_TIMESTAMPTZ = types["timestamptz"].oid
# psycopg has a loader for every built-in type.
_PSYCOPG_LOADER = cast("type[Loader]", psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT))

# psycopg prepares nothing on a connection whose threshold is None (Django's setting), even when asked.
# With this one, a statement is prepared when its execute asks, and never by count alone.
_ONLY_WHEN_ASKED = 2**62


class _PreparingCursor(psycopg.Cursor[Any]):
    """Binds parameters on the server and prepares every statement it executes."""

    def execute(
        self, query: Any, params: Any = None, *, prepare: bool | None = True, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=prepare, binary=binary)


def _preparing_cursor(raw_connection: psycopg.Connection[Any]) -> _PreparingCursor:
    if raw_connection.prepare_threshold is None:
        raw_connection.prepare_threshold = _ONLY_WHEN_ASKED
    cursor = _PreparingCursor(raw_connection)
    if connection.timezone_name == "UTC":
        cursor.adapters.register_loader(_TIMESTAMPTZ, _PSYCOPG_LOADER)
    return cursor


class _CursorDebugWrapper(CursorDebugWrapper):
    """Logs the statement as written: Django reads the executed text off the cursor, which a prepared one lacks."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


# PostgreSQL makes a statement's generic plan for the table sizes of the moment and keeps it until the
# tables' statistics change, which autovacuum's ANALYZE does after a tenth of a table has changed, up to a
# minute later: at thousands of mentions a second, a table can grow many times over under a plan made for
# it small (the settled clocks' update, for one, kept a plan that read the whole clock table instead of the
# index probes planned at its size). So a connection compares, every
# _SIZE_CHECK_EVERY bulk cursors, the size of each table with its size when the connection's statements
# were planned, and drops them all (they are prepared and planned again) once one has doubled: a plan
# then serves a table at most twice as large as the one it was chosen for, plus what is written between
# two checks (about a dozen pages of ingest).
_SIZE_CHECK_EVERY = 50
_SMALLEST_SIZE = 64 * 1024  # below this, growth is no reason to plan again
_TABLE_SIZES = """
    SELECT relname, pg_relation_size(oid) FROM pg_class
    WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace
"""


@dataclass
class _Plans:
    uses: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # bytes by table, when the statements were planned


_plans: WeakKeyDictionary[psycopg.Connection[Any], _Plans] = WeakKeyDictionary()


def _plan_again_for_grown_tables(cursor: _PreparingCursor) -> None:
    plans = _plans.setdefault(cursor.connection, _Plans())
    plans.uses += 1
    if plans.uses % _SIZE_CHECK_EVERY != 1:
        return
    cursor.execute(_TABLE_SIZES, prepare=False)
    sizes: dict[str, int] = dict(cursor.fetchall())
    if not plans.sizes:
        plans.sizes = sizes
    elif any(size > 2 * max(plans.sizes.get(table, 0), _SMALLEST_SIZE) for table, size in sizes.items()):
        # psycopg reads the command and forgets its prepared statements with the server's.
        cursor.execute("DEALLOCATE ALL", prepare=False)
        plans.sizes = sizes


@contextmanager
def bulk_cursor() -> Iterator[CursorWrapper]:
    """A preparing cursor behind Django's wrapper: same connection, transaction, error translation and query log."""
    connection.ensure_connection()
    with _preparing_cursor(connection.connection) as cursor:
        with connection.wrap_database_errors:
            _plan_again_for_grown_tables(cursor)
        wrapper = _CursorDebugWrapper if connection.queries_logged else CursorWrapper
        yield wrapper(cursor, connection)


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list[Any]


def execute_together(cursor: CursorWrapper, statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """Several statements in one round trip to PostgreSQL; returns the rows each answered, in order.

    PostgreSQL runs them in order, each seeing what the ones before it wrote. Django's query log shows
    them as one entry, as they travel.
    """
    if not statements:
        return []
    raw_connection = cursor.db.connection
    cursors = [_preparing_cursor(raw_connection) for _ in statements]
    logged = (
        cursor.debug_sql(";\n".join(s.sql for s in statements), [p for s in statements for p in s.params])
        if isinstance(cursor, CursorDebugWrapper)
        else nullcontext()
    )
    cursor.db.validate_no_broken_transaction()
    with logged, cursor.db.wrap_database_errors, raw_connection.pipeline():
        for each, statement in zip(cursors, statements, strict=True):
            each.execute(statement.sql, statement.params)
    # A statement answers rows when its result has tuples (description would build its columns to say so).
    answers = [
        each.fetchall() if each.pgresult is not None and each.pgresult.status == ExecStatus.TUPLES_OK else []
        for each in cursors
    ]
    for each in cursors:
        each.close()
    return answers
