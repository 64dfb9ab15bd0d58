"""Dashboard charts as inline SVG rendered on the server: no script, no network, readable without colour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from inbox.sla.checkins import WEEKDAYS

# Our own constant markup: nothing in it comes from input.
NO_CONVERSATIONS = mark_safe('<p class="muted">No conversations in this period.</p>')

ACCENT = "#2f6fed"
GOOD = "#1f8a4c"


def _n(value: float) -> str:
    """A coordinate: format_html escapes its arguments to text, so numbers are formatted before."""
    return f"{value:.1f}"


def minutes(seconds: float | None) -> str:
    """A duration for people: '42 min', '3 h 05 min', '—' when unknown."""
    if seconds is None:
        return "—"
    total = round(seconds / 60)
    return f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min"


def trend_chart(trend: Sequence[Mapping[str, Any]], *, width: int = 720, height: int = 200) -> SafeString:
    """Bars: received per day; line: share answered within target (0-100%) on the same width."""
    if not trend:
        return NO_CONVERSATIONS
    top = max(row["received"] for row in trend) or 1
    step = width / len(trend)
    plot = height - 30
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} received, {} answered</title></rect>',
        (
            (
                _n(i * step + 1),
                _n(plot - row["received"] / top * plot),
                _n(max(step - 2, 1)),
                _n(row["received"] / top * plot),
                ACCENT,
                row["day"],
                row["received"],
                row["answered"],
            )
            for i, row in enumerate(trend)
        ),
    )
    points = " ".join(
        f"{i * step + step / 2:.1f},{plot - row['within_target_share'] * plot:.1f}"
        for i, row in enumerate(trend)
        if row["within_target_share"] is not None
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
        ((_n(i * step + step / 2), height - 12, f"{row['day']:%m-%d}") for i, row in enumerate(trend) if i % 5 == 0),
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="Received per day and share answered within target" '
        'viewBox="0 0 {} {}" width="100%">{}<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>{}'
        '<text x="0" y="{}" font-size="10">peak {} / day</text></svg>',
        width,
        height,
        bars,
        points,
        GOOD,
        labels,
        height - 1,
        top,
    )


def heatmap_chart(cells: Sequence[Mapping[str, Any]], *, cell: int = 26) -> SafeString:
    """Weekday x hour grid: darker = more received; the tooltip gives the median first response."""
    if not cells:
        return NO_CONVERSATIONS
    top = max(c["received"] for c in cells) or 1
    left, head = 40, 16
    squares = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}" data-weekday="{}" data-hour="{}">'
        "<title>{} {}:00 · {} received · median first response {}</title></rect>",
        (
            (
                left + c["hour"] * cell,
                head + (c["weekday"] - 1) * cell,
                cell - 2,
                cell - 2,
                ACCENT,
                f"{0.12 + 0.88 * c['received'] / top:.2f}",
                c["weekday"],
                c["hour"],
                WEEKDAYS[c["weekday"] - 1],
                f"{c['hour']:02d}",
                c["received"],
                minutes(c["median_first_seconds"]),
            )
            for c in cells
        ),
    )
    days = format_html_join(
        "",
        '<text x="0" y="{}" font-size="11">{}</text>',
        ((_n(head + i * cell + cell * 0.65), name) for i, name in enumerate(WEEKDAYS)),
    )
    hours = format_html_join(
        "",
        '<text x="{}" y="11" font-size="10">{}</text>',
        ((left + h * cell + 4, f"{h:02d}") for h in range(0, 24, 2)),
    )
    return format_html(
        '<svg class="chart heatmap" role="img" aria-label="Volume by weekday and hour" viewBox="0 0 {} {}" '
        'width="100%">{}{}{}</svg>',
        left + 24 * cell,
        head + 7 * cell,
        days,
        hours,
        squares,
    )


def bar_chart(rows: Sequence[Mapping[str, Any]], *, label: str, value: str, width: int = 360) -> SafeString:
    """Horizontal bars, one per row, labelled with their value."""
    top = max((row[value] for row in rows), default=0) or 1
    bars = format_html_join(
        "",
        '<text x="0" y="{}" font-size="11">{}</text><rect x="110" y="{}" width="{}" height="14" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11">{}</text>',
        (
            (
                i * 20 + 12,
                row[label],
                i * 20 + 1,
                _n(row[value] / top * (width - 160)),
                ACCENT,
                _n(114 + row[value] / top * (width - 160)),
                i * 20 + 12,
                row[value],
            )
            for i, row in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="Backlog by age" viewBox="0 0 {} {}" width="100%">{}</svg>',
        width,
        len(rows) * 20 + 4,
        bars,
    )
