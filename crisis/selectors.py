"""Reads of crisis mode: incidents a person may see, the banner, curves and the closing report."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncMinute
from django.utils import timezone

from brands.selectors import brands_for
from crisis.models import ALL_CHANNELS, Acknowledgement, Incident, IncidentStatus, MinuteCount, Statement
from inbox.models import Conversation, Direction, Message

CURVE_BEFORE = timedelta(hours=2)
CURVE_POINTS = 120
COMPARE_WEEKS = 4
RESPONSE_SAMPLE = 5000


def incidents_for(user: Any) -> QuerySet[Incident]:
    return Incident.objects.filter(brand__in=brands_for(user)).select_related("brand")


def active_incidents_for(user: Any) -> list[Incident]:
    """For the banner: the active incidents of the person's brands."""
    return list(incidents_for(user).filter(status=IncidentStatus.ACTIVE).order_by("-declared_at")[:5])


def period(incident: Incident) -> tuple[datetime, datetime]:
    start = incident.spike.started_at if incident.spike else incident.declared_at or incident.created_at
    end = incident.closed_at or timezone.now()
    return start, max(end, start + timedelta(minutes=1))


@dataclass(frozen=True)
class Curve:
    start: datetime
    end: datetime
    bucket_minutes: int
    mentions: list[int]  # per bucket from `start`
    negative: list[int]

    def polyline(self, values: list[int], *, width: int = 600, height: int = 120) -> str:
        """SVG points, scaled to the mentions' peak (negative mentions are among them)."""
        top = max([*self.mentions, 1])
        step = width / max(len(values) - 1, 1)
        return " ".join(f"{index * step:.1f},{height - value * height / top:.1f}" for index, value in enumerate(values))

    @property
    def mentions_points(self) -> str:
        return self.polyline(self.mentions)

    @property
    def negative_points(self) -> str:
        return self.polyline(self.negative)

    @property
    def peak(self) -> int:
        return max(self.mentions, default=0)


def curve(incident: Incident, *, before: timedelta = CURVE_BEFORE) -> Curve:
    """Mentions and negative mentions from the minute counts (never the messages), in up to CURVE_POINTS buckets."""
    start, end = period(incident)
    start -= before
    minutes = max(int((end - start) / timedelta(minutes=1)), 1)
    bucket = max(1, -(-minutes // CURVE_POINTS))
    totals: dict[int, list[int]] = {}
    for minute, in_minute, negative_in_minute in MinuteCount.objects.filter(
        brand_id=incident.brand_id, query_id=ALL_CHANNELS, minute__gte=start, minute__lt=end
    ).values_list("minute", "mentions", "negative"):
        index = int((minute - start) / timedelta(minutes=1)) // bucket
        row = totals.setdefault(index, [0, 0])
        row[0] += in_minute
        row[1] += negative_in_minute
    buckets = range(-(-minutes // bucket))
    return Curve(
        start,
        end,
        bucket,
        [totals.get(index, [0, 0])[0] for index in buckets],
        [totals.get(index, [0, 0])[1] for index in buckets],
    )


def acknowledgements(incident: Incident) -> list[Acknowledgement]:
    return list(incident.acknowledgements.select_related("user", "version").order_by("-at"))


def _first_response_minutes(brand_id: int, start: datetime, end: datetime) -> list[float]:
    first_reply = (
        Message.objects.filter(conversation=OuterRef("pk"), direction=Direction.OUTBOUND, delivery_status="sent")
        .order_by("created_at")
        .values("created_at")[:1]
    )
    rows = (
        Conversation.objects.filter(brand_id=brand_id, first_inbound_at__gte=start, first_inbound_at__lt=end)
        .annotate(replied_at=Subquery(first_reply))
        .filter(replied_at__isnull=False)
        .values_list("first_inbound_at", "replied_at")[:RESPONSE_SAMPLE]
    )
    return [max((replied - first).total_seconds() / 60, 0.0) for first, replied in rows]


def _summary(values: list[float]) -> dict[str, Any]:
    return {"count": len(values), "median_minutes": round(median(values), 1) if values else None}


def report(incident: Incident) -> dict[str, Any]:
    start, end = period(incident)
    linked = Message.objects.filter(
        conversation__crisis_links__incident=incident,
        direction=Direction.OUTBOUND,
        created_at__gte=start,
        created_at__lt=end,
    )
    replies = list(linked.values_list("text", flat=True)[:RESPONSE_SAMPLE])
    statements = Statement.objects.filter(version__playbook__brand_id=incident.brand_id).select_related(
        "version__playbook"
    )
    used = [
        {"statement": statement, "replies": sum(1 for text in replies if statement.text.strip() in text)}
        for statement in statements
    ]
    before_start = start - timedelta(weeks=COMPARE_WEEKS)
    return {
        "start": start,
        "end": end,
        "replies_sent": linked.count(),
        "linked_conversations": incident.links.count(),
        "statements_used": [row for row in used if row["replies"]],
        "during": _summary(_first_response_minutes(incident.brand_id, start, end)),
        "before": _summary(_first_response_minutes(incident.brand_id, before_start, start)),
        "acknowledged_by": incident.acknowledgements.values("user").distinct().count(),
    }


def report_csv(incident: Incident) -> str:
    """The curve minute by minute with the replies sent in each minute to linked conversations."""
    start, end = period(incident)
    replies = dict(
        Message.objects.filter(
            conversation__crisis_links__incident=incident, direction=Direction.OUTBOUND, created_at__gte=start
        )
        .filter(created_at__lt=end)
        .annotate(minute=TruncMinute("created_at"))
        .values("minute")
        .annotate(n=Count("pk"))
        .values_list("minute", "n")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["minute", "mentions", "negative", "replies_sent"])
    counts = {
        minute: (mentions, negative)
        for minute, mentions, negative in MinuteCount.objects.filter(
            brand_id=incident.brand_id, query_id=ALL_CHANNELS, minute__gte=start, minute__lt=end
        ).values_list("minute", "mentions", "negative")
    }
    minute = start.replace(second=0, microsecond=0)
    while minute < end:
        mentions, negative = counts.get(minute, (0, 0))
        writer.writerow([minute.isoformat(), mentions, negative, replies.get(minute, 0)])
        minute += timedelta(minutes=1)
    return out.getvalue()
