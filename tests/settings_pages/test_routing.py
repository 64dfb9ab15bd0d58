"""Routing settings: round-robin follows scheduled shifts, the eligible list and the in-training flag."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from accounts.models import User
from inbox.models import InboxSettings
from inbox.services.ingest import ingest_batch
from monitoring.alerts.audience import responsible_people
from monitoring.checkins.models import Shift
from monitoring.models import ChannelAccount
from settings_pages.routing import set_routing
from tests.inbox.ingest_helpers import author, batch, make_account, post
from tests.inbox.test_workflow import _online_agent


def scheduled_now(brand, user: User) -> Shift:
    """A shift covering the present hour in the person's time zone."""
    local = timezone.now().astimezone(zoneinfo.ZoneInfo(user.time_zone))
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    weekday = (local - dt.timedelta(hours=1)).weekday()
    return Shift.objects.create(brand=brand, user=user, weekday=weekday, starts_at=start, ends_at=end)


def routed_to(brand, number: int = 1) -> str | None:
    """Who round-robin gives a new customer's first mention to."""
    account = ChannelAccount.objects.filter(brand=brand).first() or make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post(str(number), by=author(f"u{number}"))))
    assignee = account.conversations.get(thread_key=str(number)).assignee
    return assignee.username if assignee else None


def test_a_scheduled_shift_puts_someone_on_shift_for_round_robin_without_the_button(brand):
    set_routing(brand=brand, round_robin=True, max_open_per_agent=5, eligible=[])
    scheduled = _online_agent(brand, "scheduled", on_shift=False)
    scheduled_now(brand, scheduled)
    assert routed_to(brand) == "scheduled"


def test_round_robin_leaves_out_people_in_training_unless_listed_as_eligible(brand):
    set_routing(brand=brand, round_robin=True, max_open_per_agent=5, eligible=[])
    learner = _online_agent(brand, "learner")
    User.objects.filter(pk=learner.pk).update(in_training=True)
    assert routed_to(brand) is None
    set_routing(brand=brand, round_robin=True, max_open_per_agent=5, eligible=[learner])
    assert InboxSettings.objects.get(brand=brand).eligible.get() == learner
    assert routed_to(brand, 2) == "learner"


def test_listening_alerts_go_to_admins_and_to_supervisors_only_on_shift(brand, admin_user, supervisor, agent):
    assert responsible_people(brand_id=brand.pk, now=timezone.now()) == [admin_user]
    scheduled_now(brand, supervisor)
    assert set(responsible_people(brand_id=brand.pk, now=timezone.now())) == {supervisor, admin_user}
    assert agent not in responsible_people(brand_id=brand.pk, now=timezone.now())
