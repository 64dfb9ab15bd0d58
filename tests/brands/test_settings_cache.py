"""A brand's settings are read once per settings version by ingest, and any change reaches the next batch."""

from __future__ import annotations

import datetime as dt
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from brands.models import Brand
from brands.services import add_member
from inbox.models import AgentAvailability, Conversation, InboxSettings
from inbox.services.ingest import ingest_batch
from inbox.sla.models import SlaPolicy
from inbox.sla.services import set_policy
from monitoring.alerts.models import AlertRule
from monitoring.checkins.models import Shift
from monitoring.queries.models import MessageQueryMatch, MonitoredQuery
from monitoring.queries.services import add_query
from tests.conftest import PASSWORD
from tests.inbox.ingest_helpers import author, batch, make_account, post

pytestmark = pytest.mark.django_db

SETTINGS_TABLES = ("inbox_slapolicy", "inbox_inboxsettings", "monitoring_alertrule", "monitoring_monitoredquery")


def _version(brand: Brand) -> int:
    return Brand.objects.values_list("settings_version", flat=True).get(pk=brand.pk)


def _settings_reads(account, *posts) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        ingest_batch(account=account, stream="mentions", result=batch(*posts))
    return [q["sql"] for q in captured.captured_queries if any(table in q["sql"] for table in SETTINGS_TABLES)]


def test_a_batch_reads_no_settings_while_nothing_changed(brand):
    account = make_account(brand)
    assert _settings_reads(account, post("1", by=author("u1"))) != []
    assert _settings_reads(account, post("2", by=author("u2"))) == []


def test_the_next_batch_reads_settings_again_after_a_change(brand):
    account = make_account(brand)
    _settings_reads(account, post("1", by=author("u1")))
    set_policy(brand=brand, first_response_minutes=7, hours=[], holidays=[])
    assert _settings_reads(account, post("2", by=author("u2"))) != []
    assert _settings_reads(account, post("3", by=author("u3"))) == []


def test_a_new_sla_policy_sets_the_due_time_of_the_next_batch(brand):
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", by=author("u1"))))
    set_policy(brand=brand, first_response_minutes=7, hours=[], holidays=[])
    ingest_batch(account=account, stream="mentions", result=batch(post("2", by=author("u2"))))
    conversation = Conversation.objects.get(thread_key="2")
    assert conversation.response_due_at - conversation.awaiting_reply_since == dt.timedelta(minutes=7)


def test_a_query_added_between_batches_matches_the_next_batch(brand):
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="wrong order")))
    add_query(brand=brand, name="orders", query="order")
    ingest_batch(account=account, stream="mentions", result=batch(post("2", text="wrong order again")))
    assert list(MessageQueryMatch.objects.values_list("message__external_id", flat=True)) == ["2"]


def test_round_robin_turned_on_by_a_queryset_update_applies_to_the_next_batch(brand):
    agent = create_user(username="ann", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=agent)
    AgentAvailability.objects.create(user=agent, on_shift=True, last_seen_at=timezone.now())
    InboxSettings.objects.create(brand=brand, round_robin=False)
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(post("1", by=author("u1"))))
    InboxSettings.objects.filter(brand=brand).update(round_robin=True)
    ingest_batch(account=account, stream="mentions", result=batch(post("2", by=author("u2"))))
    assignees = dict(Conversation.objects.values_list("thread_key", "assignee__username"))
    assert assignees == {"1": None, "2": "ann"}


def test_every_kind_of_settings_change_draws_a_new_version(brand):
    user = create_user(username="ann", password=PASSWORD, role=Role.AGENT)
    seen = [_version(brand)]
    changes = [
        lambda: set_policy(brand=brand, first_response_minutes=30, hours=[], holidays=[]),
        lambda: SlaPolicy.objects.filter(brand=brand).update(first_response_minutes=20),
        lambda: InboxSettings.objects.create(brand=brand, round_robin=True),
        lambda: AlertRule.objects.create(brand=brand, name="negative", negative_sentiment=True),
        lambda: AlertRule.objects.filter(brand=brand).update(enabled=False),
        lambda: MonitoredQuery.objects.create(brand=brand, name="orders", query="order"),
        lambda: Shift.objects.create(brand=brand, user=user, weekday=0, starts_at=time(9), ends_at=time(17)),
        lambda: Shift.objects.filter(brand=brand).delete(),
        lambda: Brand.objects.filter(pk=brand.pk).update(audience_time_zone="Europe/Vilnius"),
    ]
    for change in changes:
        change()
        seen.append(_version(brand))
    assert len(set(seen)) == len(seen)


def test_a_settings_change_of_one_brand_keeps_the_others_version(brand):
    other = Brand.objects.create(slug="other", name="Other")
    before = _version(other)
    set_policy(brand=brand, first_response_minutes=30, hours=[], holidays=[])
    assert _version(other) == before
