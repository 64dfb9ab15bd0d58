"""Bulk statements are prepared, travel together, and read timestamps through psycopg's own loader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DataError, connection, transaction
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from django.test.utils import CaptureQueriesContext
from psycopg.postgres import types
from psycopg.pq import Format

from inbox.services import bulk_cursor as bulk_cursor_module
from inbox.services.bulk_cursor import Statement, bulk_cursor, execute_together

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


def _prepared_statements() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        return {statement: (generic, custom) for statement, generic, custom in cursor.fetchall()}


@pytest.mark.django_db
def test_bulk_statements_are_prepared_once_and_reused():
    before = _prepared_statements()
    for value in range(7):
        with bulk_cursor() as cursor:
            cursor.execute("SELECT %s::int + 1 AS bulk_probe", [value])
            assert cursor.fetchone() == (value + 1,)
    added = {text: plans for text, plans in _prepared_statements().items() if text not in before}
    # One statement on the server, run seven times; past five runs PostgreSQL settles on its generic plan.
    assert list(added) == ["SELECT $1::int + 1 AS bulk_probe"]
    assert sum(added["SELECT $1::int + 1 AS bulk_probe"]) == 7


@pytest.mark.django_db
def test_statements_executed_together_answer_in_order_and_log_one_round_trip():
    statements = [
        Statement("SELECT set_config('promptly.probe', %s, true)", ["set"]),
        Statement("SELECT generate_series(1, %s)", [3]),
        Statement("SELECT current_setting('promptly.probe')", []),
    ]
    with CaptureQueriesContext(connection) as captured, bulk_cursor() as cursor:
        answers = execute_together(cursor, statements)
    assert answers == [[("set",)], [(1,), (2,), (3,)], [("set",)]]
    assert [query["sql"] for query in captured.captured_queries] == [";\n".join(s.sql for s in statements)]


@pytest.mark.django_db
def test_a_failing_statement_among_others_raises_djangos_error_and_rolls_back_alone():
    with pytest.raises(DataError), transaction.atomic(), bulk_cursor() as cursor:
        execute_together(
            cursor,
            [
                Statement("SELECT set_config('promptly.probe', 'inside', true)", []),
                Statement("SELECT %s::int", ["not a number"]),
                Statement("SELECT 1", []),
            ],
        )
    # The connection left pipeline mode and the failed transaction: it serves the next statements.
    with bulk_cursor() as cursor:
        assert execute_together(cursor, [Statement("SELECT %s::int", [2])]) == [[(2,)]]
        cursor.execute("SELECT current_setting('promptly.probe', true)")
        assert cursor.fetchone() in {(None,), ("",)}


def _probe_statement_name() -> str:
    with bulk_cursor() as cursor:
        cursor.execute("SELECT %s::int AS growth_probe", [1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE statement LIKE %s", ["%growth_probe%"])
        return cursor.fetchone()[0]


def _grow_a_table(size: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bulk_growth_probe (filler text)")
        cursor.execute("INSERT INTO bulk_growth_probe SELECT repeat('x', 1000) FROM generate_series(1, %s)", [size])


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "planned_again"), [(0, False), (2000, True)])
def test_statements_are_planned_again_once_a_table_has_doubled(rows, planned_again):
    connection.ensure_connection()
    # The connection's sizes are taken afresh at its next bulk cursor, not at whenever an earlier test took them.
    bulk_cursor_module._plans.pop(connection.connection, None)
    before = _probe_statement_name()
    # A table of 2,000 rows of 1 kB (over 2 MB) is more than twice any size at which it counts as small.
    _grow_a_table(rows)
    after = [_probe_statement_name() for _ in range(bulk_cursor_module._SIZE_CHECK_EVERY)]
    assert (after[-1] != before) is planned_again
    assert len(set(after)) == (2 if planned_again else 1)  # planned again once, then reused
