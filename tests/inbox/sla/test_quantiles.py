"""Percentiles over sorted runs are PostgreSQL's percentile_cont, bit for bit, by merging or by bisecting."""

from __future__ import annotations

import math
import random
from array import array

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from inbox.sla.quantiles import percentiles_cont, unpack

FRACTIONS = (0.0, 0.1, 0.5, 0.9, 0.99, 1.0)
runs_of_seconds = st.lists(st.lists(st.integers(0, 400_000), max_size=40).map(sorted), min_size=1, max_size=8)


def by_the_book(values: list[int], fraction: float) -> float:
    """The textbook definition on one sorted list, as orderedsetaggs.c computes it."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = ordered[math.floor(position)], ordered[math.ceil(position)]
    return float(low) + (position - math.floor(position)) * (float(high) - float(low))


@given(runs=runs_of_seconds, fractions=st.lists(st.floats(0, 1), min_size=1, max_size=3))
def test_bisecting_runs_equals_merging_and_the_definition(runs, fractions):
    values = [value for run in runs for value in run]
    merged = percentiles_cont(runs, fractions)
    bisected = percentiles_cont(runs, fractions, merge_limit=0, merge_per_run=0)
    expected = [by_the_book(values, fraction) if values else None for fraction in fractions]
    assert merged == bisected == expected


@pytest.mark.django_db
def test_equal_to_postgresql_on_many_large_runs():
    rng = random.Random(3)
    runs = [sorted(rng.randrange(0, 90_000) for _ in range(rng.randrange(0, 3000))) for _ in range(12)]
    values = [value for run in runs for value in run]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(%s::float8[]) WITHIN GROUP (ORDER BY v), "
            "string_agg(int4send(v), ''::bytea ORDER BY v) FROM unnest(%s::int[]) AS v",
            [list(FRACTIONS), values],
        )
        expected, packed = cursor.fetchone()
    assert list(unpack(packed)) == sorted(values)  # what the rollup stores reads back as the sorted values
    assert percentiles_cont([array("i", run) for run in runs], FRACTIONS, merge_limit=0, merge_per_run=0) == expected
    assert percentiles_cont(runs, FRACTIONS) == expected


def test_no_values_no_percentile():
    assert percentiles_cont([[], array("i")], (0.5, 0.9)) == [None, None]
