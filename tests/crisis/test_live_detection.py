"""The live detector: batches counted after commit, a surge raising one alert and proposing an incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from brands.models import Brand
from crisis.models import ALL_CHANNELS, Incident, IncidentStatus, MinuteCount, Spike
from crisis.services.detect import detect_brand
from crisis.services.pending import drain, note_batch
from crisis.tasks import detect_spikes
from inbox.models import Message
from monitoring.alerts.models import AlertDelivery, AlertRule
from monitoring.queries.services import add_query
from tests.crisis.history import ingest_complaints, store_history
from tests.inbox.ingest_helpers import make_account

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday afternoon
COMPLAINT = "Your app update deleted my saved recipes, terrible and awful, I hate this"

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis_rule(brand: Brand) -> AlertRule:
    return AlertRule.objects.create(brand=brand, name="Crisis", crisis_spikes=True, notify_in_app=True)


def _counted(brand: Brand) -> tuple[int, int]:
    rows = MinuteCount.objects.filter(brand=brand, query_id=ALL_CHANNELS, minute__gte=NOW - timedelta(minutes=15))
    return sum(row.mentions for row in rows), sum(row.negative for row in rows)


def test_batch_is_counted_per_minute_after_commit_once(brand: Brand, django_capture_on_commit_callbacks) -> None:
    account = make_account(brand)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_complaints(account, at=NOW, count=12, text=COMPLAINT)
    assert _counted(brand) == (0, 0)  # nothing counted inside ingest's transaction
    for callback in callbacks:
        callback()
    assert drain() == 1
    assert _counted(brand) == (12, 12)
    note_batch(message_ids=list(Message.objects.values_list("pk", flat=True)))  # the same batch noted twice
    assert drain() == 1
    assert _counted(brand) == (12, 12)


def test_negative_surge_raises_one_alert_and_proposes_an_incident_with_its_drivers(
    brand: Brand, crisis_rule: AlertRule, django_capture_on_commit_callbacks
) -> None:
    store_history(brand, weeks=4, until=NOW - timedelta(minutes=15))
    assert detect_brand(brand_id=brand.pk, now=NOW - timedelta(minutes=10)).event == ""
    with django_capture_on_commit_callbacks(execute=True):
        ingest_complaints(make_account(brand), at=NOW, count=60, text=COMPLAINT)
    drain()

    result = detect_brand(brand_id=brand.pk, now=NOW)

    assert result.event == "new"
    spike = Spike.objects.get()
    assert spike.kind in ("volume", "negative") and spike.observed >= 20
    assert NOW - timedelta(minutes=15) <= spike.started_at < NOW
    incident = Incident.objects.get()
    assert incident.status == IncidentStatus.PROPOSED and incident.spike == spike
    assert "recipes" in [term["term"] for term in spike.drivers["terms"]]
    assert len(spike.drivers["authors"]) == 7 and spike.drivers["examples"]
    delivery = AlertDelivery.objects.get(rule=crisis_rule)
    assert "spike" in delivery.reason and delivery.message_ids

    # The storm goes on: the same alert, no second one.
    assert detect_brand(brand_id=brand.pk, now=NOW + timedelta(minutes=1)).event in ("hot", "grew")
    assert AlertDelivery.objects.count() == 1 and Spike.objects.count() == 1


def test_a_surge_about_one_monitored_query_is_seen_in_its_own_scope(
    brand: Brand, django_capture_on_commit_callbacks
) -> None:
    query = add_query(brand=brand, name="Recipes", query="recipes")
    store_history(brand, weeks=4, until=NOW - timedelta(minutes=15))
    store_history(brand, weeks=4, until=NOW - timedelta(minutes=15), query_id=query.pk, share=0.02, seed=1)
    with django_capture_on_commit_callbacks(execute=True):
        # Neutral questions, a fifth of the brand's normal volume: lost in all channels, loud for the query.
        ingest_complaints(make_account(brand), at=NOW, count=15, text="Where did my saved recipes go?")
    drain()

    assert detect_brand(brand_id=brand.pk, now=NOW).event == "new"
    spike = Spike.objects.get()
    assert spike.kind == "volume" and spike.query_id == query.pk and spike.scopes == [f"query:{query.pk}"]


def test_a_quiet_minute_reads_only_the_rollups(brand: Brand, django_assert_max_num_queries) -> None:
    store_history(brand, weeks=2, until=NOW - timedelta(minutes=15))
    detect_brand(brand_id=brand.pk, now=NOW)  # learns its baselines (daily) and levels (hourly)
    with django_assert_max_num_queries(8):
        assert detect_brand(brand_id=brand.pk, now=NOW + timedelta(minutes=1)).event == ""


def test_crisis_rules_do_not_fire_on_every_mention(brand: Brand, crisis_rule: AlertRule) -> None:
    ingest_complaints(make_account(brand), at=NOW, count=3, text=COMPLAINT)
    assert not AlertDelivery.objects.exists()


def test_the_minute_task_counts_the_batches_and_evaluates_every_brand(
    brand: Brand, crisis_rule: AlertRule, eager_tasks: None, django_capture_on_commit_callbacks
) -> None:
    store_history(brand, weeks=2, until=timezone.now() - timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        ingest_complaints(make_account(brand), at=timezone.now(), count=60, text=COMPLAINT)
    assert detect_spikes.delay().get() == 1  # counts the batch, then evaluates the brand
    assert Spike.objects.filter(brand=brand, ended_at=None).exists()
    assert AlertDelivery.objects.filter(rule=crisis_rule).count() == 1
