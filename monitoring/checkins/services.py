"""Who is on shift, check-in reminders at the recommended times, and warnings about uncovered hours."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from brands.models import Brand
from inbox.events import publish_on_commit
from monitoring.checkins.models import CheckInReminder, CoverageGap, Shift
from monitoring.checkins.recommend import recommended_check_in_times

# Mentions this close together belong to one uncovered stretch (one warning, not one per mention).
GAP_JOIN = timedelta(hours=1)
# How late a reminder may still go out (beat runs every minute; a missed run is caught up).
REMINDER_GRACE = timedelta(minutes=10)


def covers(shift: Shift, when: datetime) -> bool:
    """Whether the shift, read in its person's own time zone, includes the instant `when`."""
    local = when.astimezone(zoneinfo.ZoneInfo(shift.user.time_zone))
    clock, day = local.time(), local.weekday()
    if shift.starts_at < shift.ends_at:
        return day == shift.weekday and shift.starts_at <= clock < shift.ends_at
    return (day == shift.weekday and clock >= shift.starts_at) or (
        day == (shift.weekday + 1) % 7 and clock < shift.ends_at
    )


def on_shift(*, brand_id: int, when: datetime) -> list[User]:
    shifts = Shift.objects.filter(brand_id=brand_id).select_related("user").filter(user__is_active=True)
    return list({shift.user.pk: shift.user for shift in shifts if covers(shift, when)}.values())


@transaction.atomic
def note_mentions_for_coverage(*, brand_id: int, count: int, now: datetime | None = None) -> CoverageGap | None:
    """Mentions arrived: if the brand keeps a schedule and nobody is on shift, warn once per stretch."""
    now = now or timezone.now()
    if count <= 0 or not Shift.objects.filter(brand_id=brand_id).exists() or on_shift(brand_id=brand_id, when=now):
        return None
    gap = (
        CoverageGap.objects.select_for_update()
        .filter(brand_id=brand_id, last_mention_at__gte=now - GAP_JOIN)
        .order_by("-last_mention_at")
        .first()
    )
    if gap:
        gap.mention_count += count
        gap.last_mention_at = now
        gap.save(update_fields=["mention_count", "last_mention_at"])
        return gap
    gap = CoverageGap.objects.create(brand_id=brand_id, first_mention_at=now, last_mention_at=now, mention_count=count)
    publish_on_commit(
        brand_id=brand_id,
        kind="uncovered",
        payload={"alert": {"title": "Uncovered hours", "body": f"{count} new mention(s) while nobody is on shift."}},
    )
    return gap


def _due_times(brand: Brand, now: datetime) -> list[datetime]:
    zone = zoneinfo.ZoneInfo(brand.audience_time_zone)
    local_now = now.astimezone(zone)
    days = {local_now.date(), (local_now - REMINDER_GRACE).date()}
    due = [datetime.combine(day, at, tzinfo=zone) for day in days for at in recommended_check_in_times(brand)]
    return sorted(moment for moment in due if now - REMINDER_GRACE < moment <= now)


@transaction.atomic
def send_check_in_reminders(*, now: datetime | None = None) -> int:
    """Remind whoever is on shift at each recommended time just passed; each reminder goes out once."""
    now = now or timezone.now()
    sent = 0
    for brand in Brand.objects.filter(shifts__isnull=False).distinct():
        for due in _due_times(brand, now):
            for user in on_shift(brand_id=brand.pk, when=due):
                _, created = CheckInReminder.objects.get_or_create(brand=brand, user=user, due_at=due)
                if created:
                    sent += 1
                    publish_on_commit(
                        brand_id=brand.pk,
                        kind="checkin",
                        payload={
                            "user_id": user.pk,
                            "alert": {"title": f"Check in on {brand.name}", "body": "Time to look at the inbox."},
                        },
                    )
    return sent
