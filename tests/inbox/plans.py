"""Reading EXPLAIN ANALYZE: how many rows a statement really read from a table."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection


def analysed_plan(sql: str, params: list[Any]) -> dict:
    """The statement's plan with what each node actually did (the statement runs)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        (document,) = cursor.fetchone()
    return (document if isinstance(document, list) else json.loads(document))[0]["Plan"]


def rows_read(plan: dict, table: str) -> int:
    """Rows every node over `table` read, all loops counted: those it produced and those its filter dropped."""
    read = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
    own = read * plan["Actual Loops"] if plan.get("Relation Name") == table else 0
    return own + sum(rows_read(child, table) for child in plan.get("Plans", []))
