"""Every dashboard table as CSV, safe to open in a spreadsheet (mention text cannot become a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from inbox.sla.selectors import Dashboard

TABLES = ("summary", "breaches", "backlog", "unanswered", "agents", "channels", "heatmap", "trend")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_rows(board: Dashboard, table: str) -> Sequence[Mapping[str, Any]]:
    if table not in TABLES:
        raise KeyError(table)
    if table == "summary":
        return [board.summary]
    rows: Sequence[Mapping[str, Any]] = getattr(board, table)
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return out.getvalue()
