"""Exact percentiles over several sorted runs of whole seconds, equal to PostgreSQL's percentile_cont.

A day's rollup keeps each response time series sorted (packed by `int4send` in SQL); a date range is then
many sorted runs. A quantile is found by bisecting the value range and counting with `bisect` in every run,
so a month costs a few hundred bisections instead of a sort of every value.
"""

from __future__ import annotations

import math
import sys
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import chain

Run = Sequence[int]


def unpack(packed: bytes | memoryview | None) -> array[int]:
    """The values `string_agg(int4send(v), '' ORDER BY v)` packed: big-endian 32-bit integers, ascending."""
    values = array("i")
    if packed:
        values.frombytes(packed)
        if sys.byteorder == "little":
            values.byteswap()
    return values


# Sorting the values (in C, about 40 ns each) beats bisecting every run for every probe (a few microseconds
# per run and probe) up to this many values, or this many per run (many short runs: a team's days).
MERGE_LIMIT = 4096
MERGE_PER_RUN = 512


def _kth(runs: Sequence[Run], k: int) -> int:
    """The k-th smallest value (0-based) of all runs together: the least v with more than k values <= v."""
    low = min(run[0] for run in runs) - 1  # count(<= low) == 0 <= k
    high = max(run[-1] for run in runs)  # count(<= high) == total > k
    while high - low > 1:
        middle = (low + high) // 2
        if sum(bisect_right(run, middle) for run in runs) > k:
            high = middle
        else:
            low = middle
    return high


def _next_after(runs: Sequence[Run], k: int, value: int) -> int:
    """The (k+1)-th smallest value, knowing the k-th is `value`: `value` again, or the least value above it."""
    if sum(bisect_right(run, value) for run in runs) > k + 1:
        return value
    return min(run[at] for run in runs if (at := bisect_right(run, value)) < len(run))


def _order_statistics(
    runs: Sequence[Run], count: int, merge_limit: int, merge_per_run: int
) -> Callable[[int, int], tuple[int, int]]:
    """A function giving the k-th and the k2-th smallest values, k2 being k or k + 1."""
    if len(runs) == 1 or count <= max(merge_limit, merge_per_run * len(runs)):
        values = runs[0] if len(runs) == 1 else sorted(chain.from_iterable(runs))
        return lambda k, k2: (values[k], values[k2])

    def select(k: int, k2: int) -> tuple[int, int]:
        low = _kth(runs, k)
        return low, low if k2 == k else _next_after(runs, k, low)

    return select


def percentiles_cont(
    runs: Sequence[Run],
    fractions: Sequence[float],
    *,
    merge_limit: int = MERGE_LIMIT,
    merge_per_run: int = MERGE_PER_RUN,
) -> list[float | None]:
    """What ``percentile_cont(fraction) WITHIN GROUP (ORDER BY v)`` returns over the runs' values, bit for bit.

    PostgreSQL (orderedsetaggs.c) takes rows floor and ceil of fraction * (n - 1) and interpolates in float8
    as ``low + (position - floor) * (high - low)``; the same arithmetic on Python floats gives the same double.
    """
    runs = [run for run in runs if len(run)]
    count = sum(len(run) for run in runs)
    if count == 0:
        return [None for _ in fractions]
    select = _order_statistics(runs, count, merge_limit, merge_per_run)
    results: list[float | None] = []
    for fraction in fractions:
        position = fraction * (count - 1)
        first_row, second_row = math.floor(position), math.ceil(position)
        low, high = (float(value) for value in select(first_row, second_row))
        results.append(low if second_row == first_row else low + ((position - first_row) * (high - low)))
    return results
