"""SQL aggregates the ORM lacks: PostgreSQL's ordered-set percentile."""

from __future__ import annotations

from typing import Any

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
