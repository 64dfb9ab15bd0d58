"""The check-in schedule: shifts in each person's own time zone, reminders once, uncovered-hours warnings."""

import zoneinfo
from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from monitoring.checkins.models import CheckInReminder, CoverageGap, Shift, Weekday
from monitoring.checkins.recommend import recommended_check_in_times
from monitoring.checkins.services import note_mentions_for_coverage, on_shift, send_check_in_reminders
from tests.monitoring.factories import ingest

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def east_coast_agent(brand):
    """Works 12:00-20:00 New York time, which covers California's 09:00-17:00."""
    user = create_user(username="nyc", password="x-long-password", role=Role.AGENT, time_zone="America/New_York")
    add_member(brand=brand, user=user)
    for day in range(5):
        Shift.objects.create(brand=brand, user=user, weekday=day, starts_at=time(12), ends_at=time(20))
    return user


def test_shift_is_read_in_the_persons_own_time_zone(brand, east_coast_agent) -> None:
    # Monday 2026-11-23, 09:30 in Los Angeles is 12:30 in New York.
    assert on_shift(brand_id=brand.pk, when=datetime(2026, 11, 23, 9, 30, tzinfo=LOS_ANGELES)) == [east_coast_agent]
    assert on_shift(brand_id=brand.pk, when=datetime(2026, 11, 23, 8, 30, tzinfo=LOS_ANGELES)) == []
    assert on_shift(brand_id=brand.pk, when=datetime(2026, 11, 28, 10, 0, tzinfo=LOS_ANGELES)) == []  # Saturday


def test_overnight_shift_covers_the_next_morning(brand) -> None:
    night = create_user(username="night", password="x-long-password", role=Role.AGENT, time_zone="Europe/Vilnius")
    Shift.objects.create(brand=brand, user=night, weekday=Weekday.SUNDAY, starts_at=time(22), ends_at=time(6))
    vilnius = zoneinfo.ZoneInfo("Europe/Vilnius")
    assert on_shift(brand_id=brand.pk, when=datetime(2026, 11, 22, 23, 0, tzinfo=vilnius)) == [night]
    assert on_shift(brand_id=brand.pk, when=datetime(2026, 11, 23, 5, 59, tzinfo=vilnius)) == [night]
    assert on_shift(brand_id=brand.pk, when=datetime(2026, 11, 23, 6, 0, tzinfo=vilnius)) == []


def test_reminders_go_to_who_is_on_shift_at_the_recommended_time_once(brand, east_coast_agent) -> None:
    assert recommended_check_in_times(brand) == [time(9), time(13), time(17)]  # the audience's time
    at_nine_la = datetime(2026, 11, 23, 9, 3, tzinfo=LOS_ANGELES)
    assert send_check_in_reminders(now=at_nine_la) == 1
    assert send_check_in_reminders(now=at_nine_la) == 0  # beat may run twice: still one reminder
    reminder = CheckInReminder.objects.get()
    assert (reminder.user, reminder.due_at) == (east_coast_agent, datetime(2026, 11, 23, 9, 0, tzinfo=LOS_ANGELES))
    assert send_check_in_reminders(now=datetime(2026, 11, 23, 10, 0, tzinfo=LOS_ANGELES)) == 0


def lunch_only(brand):
    return [time(12, 30)]


@override_settings(PROMPTLY_CHECKIN_RECOMMENDER="tests.monitoring.checkins.test_schedule.lunch_only")
def test_recommended_times_are_pluggable(brand) -> None:
    assert recommended_check_in_times(brand) == [time(12, 30)]


def test_mentions_while_nobody_is_on_shift_open_one_uncovered_stretch(brand, east_coast_agent) -> None:
    night = datetime(2026, 11, 24, 2, 0, tzinfo=LOS_ANGELES)
    first = note_mentions_for_coverage(brand_id=brand.pk, count=3, now=night)
    again = note_mentions_for_coverage(brand_id=brand.pk, count=2, now=night.replace(minute=40))
    assert first is not None and again is not None and again.pk == first.pk
    assert CoverageGap.objects.get().mention_count == 5
    covered = note_mentions_for_coverage(brand_id=brand.pk, count=1, now=datetime(2026, 11, 24, 10, tzinfo=LOS_ANGELES))
    assert covered is None


def test_ingest_notes_uncovered_mentions_only_for_brands_with_a_schedule(brand) -> None:
    ingest(brand, "anyone there?")
    assert not CoverageGap.objects.exists()  # no schedule kept: no warnings
    user = create_user(username="day", password="x-long-password", role=Role.AGENT)
    not_today = (timezone.now().weekday() + 3) % 7
    Shift.objects.create(brand=brand, user=user, weekday=not_today, starts_at=time(9), ends_at=time(17))
    ingest(brand, "anyone there?", "hello?")
    assert CoverageGap.objects.get().mention_count == 2


def test_default_recommendation_follows_the_audience_heatmap(brand) -> None:
    from django.core.cache import cache

    from monitoring.checkins.recommend import heatmap_check_in_times
    from tests.inbox.sla.helpers import channel, conversation

    cache.delete(f"checkins:heatmap-times:{brand.pk}")
    assert heatmap_check_in_times(brand) == [time(9), time(13), time(17)]  # no history yet
    cache.delete(f"checkins:heatmap-times:{brand.pk}")
    x = channel(brand)
    two_days_ago = timezone.now().astimezone(LOS_ANGELES) - timedelta(days=2)
    for hour, count in ((7, 4), (15, 2), (20, 1)):
        for _ in range(count):
            conversation(x, received=two_days_ago.replace(hour=hour, minute=10))
    assert heatmap_check_in_times(brand) == [time(7), time(15), time(20)]
    cache.delete(f"checkins:heatmap-times:{brand.pk}")
