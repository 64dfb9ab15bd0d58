"""Recommended check-in times of a brand (local times in its audience's time zone).

The default is a fixed rhythm; settings.PROMPTLY_CHECKIN_RECOMMENDER names another function with the
same signature (e.g. one that reads the audience's activity heatmap) to replace it.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.utils.module_loading import import_string

from monitoring.models import Brand

DEFAULT_TIMES = (time(9, 0), time(13, 0), time(17, 0))


def default_check_in_times(brand: Brand) -> list[time]:
    """Morning, after lunch and end of the working day where the audience lives."""
    return list(DEFAULT_TIMES)


def recommended_check_in_times(brand: Brand) -> list[time]:
    recommender = import_string(settings.PROMPTLY_CHECKIN_RECOMMENDER)
    return sorted(recommender(brand))
