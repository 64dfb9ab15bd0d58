"""A batch of rows as one JSON parameter, which PostgreSQL reads with json_to_recordset.

One text parameter instead of one array per column: Django's psycopg cursor binds parameters on the
client, where psycopg writes every array element in Python. orjson writes the datetimes of our rows
itself; the standard library calls back into Python for each (a page's records took 390 us with json,
98 us with orjson, measured on the bench's message rows).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import orjson

from inbox.services.ingest_rows import clean_json


def _json(value: object) -> str:
    # Datetimes of our rows; anything odd a platform put in a raw payload is kept as its text.
    return value.isoformat() if isinstance(value, datetime) else str(value)


def records(columns: dict[str, list[Any]]) -> str:
    """The columns (equal-length lists by name) as a JSON array of objects, one per row."""
    names = list(columns)
    objects = [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    try:
        text = orjson.dumps(objects, default=_json).decode()
    except orjson.JSONEncodeError:
        text = None  # a lone surrogate, an integer beyond 64 bits, a key that is not text, deep nesting
    if text is None or "\\u0000" in text:
        # Raw payloads may hold what orjson or PostgreSQL (NUL) refuse: cleaned, rarely, and written by the
        # standard library, which takes the rest.
        text = json.dumps(clean_json(objects), default=_json, ensure_ascii=False, separators=(",", ":"))
    return text
