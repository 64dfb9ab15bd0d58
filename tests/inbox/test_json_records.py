"""Batches travel to PostgreSQL as JSON records: whatever a platform sent, PostgreSQL reads them back intact."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import connection

from inbox.services.json_records import records

MOMENT = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC)


def read_back(text: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, at, note, raw FROM json_to_recordset(%s::json)"
            " AS batch(id bigint, at timestamptz, note text, raw jsonb)",
            [text],
        )
        # Django's cursor leaves jsonb as its text.
        return [(*row[:3], json.loads(row[3])) for row in cursor.fetchall()]


@pytest.mark.django_db
def test_datetimes_text_and_payloads_arrive_as_written():
    text = records({"id": [1, 2], "at": [MOMENT, None], "note": ["ačiū 🙂", ""], "raw": [{"a": [1, "b"]}, {}]})
    assert read_back(text) == [(1, MOMENT, "ačiū 🙂", {"a": [1, "b"]}), (2, None, "", {})]


@pytest.mark.django_db
def test_nul_which_postgresql_refuses_is_dropped():
    text = records({"id": [1], "at": [MOMENT], "note": ["nul\x00byte"], "raw": [{"nul": "a\x00b"}]})
    assert read_back(text) == [(1, MOMENT, "nulbyte", {"nul": "ab"})]


@pytest.mark.django_db
def test_what_orjson_refuses_is_cleaned_not_fatal():
    # A lone surrogate cannot be encoded, a 70-bit integer is beyond orjson; NUL beside them is dropped too.
    text = records(
        {
            "id": [1, 2],
            "at": [MOMENT, MOMENT],
            "note": ["nul\x00byte", "lone \ud800 surrogate"],
            "raw": [{"big": 2**70, "nul": "a\x00b"}, {"lone": "\udfff"}],
        }
    )
    first, second = read_back(text)
    assert first == (1, MOMENT, "nulbyte", {"big": 2**70, "nul": "ab"})
    assert second == (2, MOMENT, "lone ? surrogate", {"lone": "?"})


def test_columns_of_unequal_length_are_a_programming_error():
    with pytest.raises(ValueError):
        records({"id": [1, 2], "note": ["only one"]})


def test_records_are_one_object_per_row():
    assert json.loads(records({"id": [1, 2], "note": ["a", "b"]})) == [{"id": 1, "note": "a"}, {"id": 2, "note": "b"}]
