"""Recommended check-in times of a brand (local times in its audience's time zone).

The default reads the SLA dashboard's heatmap of the last four weeks (the hours when the audience
writes most and waits longest, inbox.sla.checkins) and falls back to a fixed rhythm while there is no
history. settings.PROMPTLY_CHECKIN_RECOMMENDER names another function `brand -> list[time]` to replace it.
"""

from __future__ import annotations

import zoneinfo
from datetime import time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from brands.models import Brand
from inbox.sla.checkins import recommend_check_ins
from inbox.sla.selectors import DashboardFilters, dashboard

DEFAULT_TIMES = (time(9, 0), time(13, 0), time(17, 0))
HISTORY = timedelta(days=28)
# The heatmap changes slowly; reminders are checked every minute.
CACHE_SECONDS = 3600


def default_check_in_times(brand: Brand) -> list[time]:
    """Morning, after lunch and end of the working day where the audience lives."""
    return list(DEFAULT_TIMES)


def heatmap_check_in_times(brand: Brand) -> list[time]:
    """The three busiest and slowest hours of the audience's week, as times of day; the default without history."""
    key = f"checkins:heatmap-times:{brand.pk}"
    cached: list[time] | None = cache.get(key)
    if cached is not None:
        return cached
    now = timezone.now()
    today = timezone.localdate(now, timezone=zoneinfo.ZoneInfo(brand.audience_time_zone))
    board = dashboard(DashboardFilters(brand=brand, start=today - HISTORY, end=today), now=now)
    picks = recommend_check_ins(
        board.heatmap, audience_zone=brand.audience_time_zone, viewer_zone=brand.audience_time_zone, now=now
    )
    times = sorted({time(pick.hour) for pick in picks}) or list(DEFAULT_TIMES)
    cache.set(key, times, CACHE_SECONDS)
    return times


def recommended_check_in_times(brand: Brand) -> list[time]:
    recommender = import_string(settings.PROMPTLY_CHECKIN_RECOMMENDER)
    return sorted(recommender(brand))
