"""SQL aggregates the ORM lacks: PostgreSQL's ordered-set percentile."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import Aggregate, Expression, FloatField


class Percentile(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): the interpolated quantile, NULL when empty."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str | Expression, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is a fraction between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


class Percentiles(Aggregate):
    """Several quantiles from one sort: percentile_cont(ARRAY[...]) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fractions)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: str | Expression, fractions: tuple[float, ...], **extra: Any) -> None:
        if not all(0 <= fraction <= 1 for fraction in fractions):
            raise ValueError("a percentile is a fraction between 0 and 1")
        listed = ", ".join(repr(float(fraction)) for fraction in fractions)
        super().__init__(
            expression, fractions=f"ARRAY[{listed}]::float8[]", output_field=ArrayField(FloatField()), **extra
        )
