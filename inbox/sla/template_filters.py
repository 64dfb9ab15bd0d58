"""Template filters of the SLA pages (registered as builtins in settings): durations and shares for people."""

from __future__ import annotations

from django import template

from inbox.sla.charts import minutes
from inbox.sla.checkins import WEEKDAYS

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    return minutes(seconds)


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


@register.filter
def weekday_name(iso_weekday: int) -> str:
    return WEEKDAYS[iso_weekday - 1]
