"""A batch of rows as one JSON parameter, which PostgreSQL reads with json_to_recordset.

One text parameter instead of one array per column: Django's psycopg cursor binds parameters on the
client, where psycopg writes every array element in Python; json.dumps runs in C.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from inbox.services.ingest_rows import clean_json, valid_text


def _json(value: object) -> str:
    # Datetimes of our rows; anything odd a platform put in a raw payload is kept as its text.
    return value.isoformat() if isinstance(value, datetime) else str(value)


def records(columns: dict[str, list[Any]]) -> str:
    """The columns (equal-length lists by name) as a JSON array of objects, one per row."""
    names = list(columns)
    objects = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    text = json.dumps(objects, default=_json, ensure_ascii=False, separators=(",", ":"))
    if "\\u0000" in text or valid_text(text) != text:
        # Raw payloads may hold what PostgreSQL refuses (NUL, lone surrogates): cleaned, rarely.
        text = json.dumps(clean_json(objects), default=_json, ensure_ascii=False, separators=(",", ":"))
    return text
