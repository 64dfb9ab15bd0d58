"""Template helpers of the inbox: safe outbound links and SLA countdowns."""

from __future__ import annotations

import datetime as dt
import urllib.parse

from django import template
from django.utils import timezone

register = template.Library()

MAX_URL_LENGTH = 2000


@register.filter
def safe_link(url: str | None) -> str:
    """The URL when it is an absolute http(s) link to a host, else "" (never javascript:, data:, …)."""
    if not url or len(url) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"


@register.filter
def countdown(due: dt.datetime | None) -> str:
    """'due in 25 min' / 'overdue by 1 h 05 min' / '' when nothing waits (the page's script keeps it ticking)."""
    if due is None:
        return ""
    seconds = (due - timezone.now()).total_seconds()
    return f"due in {_span(seconds)}" if seconds > 0 else f"overdue by {_span(seconds)}"
