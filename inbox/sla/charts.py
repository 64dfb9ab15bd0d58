"""Dashboard charts as inline SVG rendered on the server: no script, no network, readable without colour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

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


MAX_BAR_WIDTH = 48  # one day of data is one bar, not a block across the chart
LABELS_ACROSS = 8  # about this many day labels, whatever the range


def _day_labels(trend: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """Which days get a label: about LABELS_ACROSS of them; over two months, the first day of each month."""
    if len(trend) > 62:
        return [
            (i, f"{row['day']:%b %Y}" if row["day"].month == 1 else f"{row['day']:%b}")
            for i, row in enumerate(trend)
            if row["day"].day == 1 or i == 0
        ]
    every = max(1, -(-len(trend) // LABELS_ACROSS))
    return [(i, f"{row['day']:%b %d}") for i, row in enumerate(trend) if i % every == 0]


def trend_chart(
    trend: Sequence[Mapping[str, Any]], *, goal_share: float, width: int = 720, height: int = 220
) -> SafeString:
    """Bars: received per day (left scale); line: share answered within target (right scale, 0-100%),
    with the goal dashed across. Bars keep a readable width for one day and thin out for a year."""
    if not trend:
        return NO_CONVERSATIONS
    top = max(row["received"] for row in trend) or 1
    left, right, plot_top, plot = 34, 40, 8, height - 40
    inner = width - left - right
    step = inner / len(trend)
    bar = min(max(step - 2, 1), MAX_BAR_WIDTH)

    def x(i: int) -> float:
        return left + i * step + step / 2

    def y(share: float) -> float:
        return plot_top + plot - share * plot

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {} received, {} answered</title></rect>',
        (
            (
                _n(x(i) - bar / 2),
                _n(plot_top + plot - row["received"] / top * plot),
                _n(bar),
                _n(row["received"] / top * plot),
                ACCENT,
                row["day"],
                row["received"],
                row["answered"],
            )
            for i, row in enumerate(trend)
        ),
    )
    shares = [(i, row["within_target_share"]) for i, row in enumerate(trend) if row["within_target_share"] is not None]
    points = " ".join(f"{x(i):.1f},{y(share):.1f}" for i, share in shares)
    # Dots where a line alone would not show (one day) or where each day still has room for one.
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{} within target</title></circle>',
        ((_n(x(i)), _n(y(share)), GOOD, f"{share:.0%}") for i, share in shares if len(trend) <= 31),
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
        ((_n(x(i)), height - 18, text) for i, text in _day_labels(trend)),
    )
    scales = format_html(
        '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end">0</text>'
        '<text x="{}" y="{}" font-size="11" fill="{}">100%</text>'
        '<text x="{}" y="{}" font-size="11" fill="{}">0%</text>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-dasharray="5 4"/>'
        '<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
        left - 4,
        plot_top + 10,
        top,
        left - 4,
        plot_top + plot,
        width - right + 4,
        plot_top + 10,
        GOOD,
        width - right + 4,
        plot_top + plot,
        GOOD,
        left,
        width - right,
        _n(y(goal_share)),
        _n(y(goal_share)),
        GOOD,
        width - right + 4,
        _n(y(goal_share) + 4),
        GOOD,
        f"{goal_share:.0%}",
    )
    return format_html(
        '<svg class="chart trend" role="img" aria-label="Received per day and share answered within target" '
        'viewBox="0 0 {} {}" width="100%">{}{}<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>{}{}'
        '<text x="{}" y="{}" font-size="11">{} · peak {} a day</text></svg>',
        width,
        height,
        scales,
        bars,
        points,
        GOOD,
        dots,
        labels,
        left,
        height - 2,
        ngettext("%(count)d day", "%(count)d days", len(trend)) % {"count": len(trend)},
        top,
    )


def heatmap_chart(cells: Sequence[Mapping[str, Any]], *, cell: int = 34) -> SafeString:
    """Weekday x hour grid, every hour labelled: darker = more received, the count printed in the square;
    the tooltip gives the median first response."""
    if not cells:
        return NO_CONVERSATIONS
    top = max(c["received"] for c in cells) or 1
    left, head = 44, 20

    def shade(received: int) -> float:
        return 0.1 + 0.9 * received / top

    squares = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" fill-opacity="{}" data-weekday="{}" data-hour="{}">'
        "<title>{} {}:00 · {} received · median first response {}</title></rect>"
        '<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="{}">{}</text>',
        (
            (
                left + c["hour"] * cell,
                head + (c["weekday"] - 1) * cell,
                cell - 2,
                cell - 2,
                ACCENT,
                f"{shade(c['received']):.2f}",
                c["weekday"],
                c["hour"],
                WEEKDAYS[c["weekday"] - 1],
                f"{c['hour']:02d}",
                c["received"],
                minutes(c["median_first_seconds"]),
                left + c["hour"] * cell + (cell - 2) / 2,
                head + (c["weekday"] - 1) * cell + cell / 2 + 3,
                "#fff" if shade(c["received"]) > 0.55 else "#1d2330",
                c["received"] or "",
            )
            for c in cells
        ),
    )
    grid = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#eef1f5"/>',
        ((left + h * cell, head + d * cell, cell - 2, cell - 2) for d in range(7) for h in range(24)),
    )
    days = format_html_join(
        "",
        '<text x="0" y="{}" font-size="13">{}</text>',
        ((_n(head + i * cell + cell * 0.6), name) for i, name in enumerate(WEEKDAYS)),
    )
    hours = format_html_join(
        "",
        '<text x="{}" y="14" font-size="12" text-anchor="middle">{}</text>',
        ((_n(left + h * cell + (cell - 2) / 2), f"{h:02d}") for h in range(24)),
    )
    return format_html(
        '<svg class="chart heatmap" role="img" aria-label="Volume by weekday and hour" viewBox="0 0 {} {}" '
        'width="100%">{}{}{}{}</svg>',
        left + 24 * cell,
        head + 7 * cell,
        grid,
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
