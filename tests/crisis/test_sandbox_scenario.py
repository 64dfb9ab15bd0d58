"""The sandbox crisis scenario end to end: posts on the emulated X, polled as in production, detected as a storm."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from brands.models import Brand
from crisis.models import Incident, Spike
from crisis.services.detect import detect_brand
from crisis.services.pending import drain
from monitoring.alerts.models import AlertDelivery, AlertRule
from tests.crisis.history import store_history
from tests.inbox.sandbox_channels import x_account


@pytest.mark.django_db(transaction=True)
def test_sandbox_crisis_scenario_raises_the_alert(platforms: str, brand: Brand) -> None:
    account = x_account()
    rule = AlertRule.objects.create(brand=brand, name="Crisis", crisis_spikes=True, notify_in_app=True)
    now = timezone.now().replace(second=0, microsecond=0)
    store_history(brand, weeks=3, until=now - timedelta(minutes=30))
    assert detect_brand(brand_id=brand.pk, now=now).event == ""

    out = StringIO()
    call_command("sandbox", "crisis", "--brand", "acme", "--topic", "the saved recipes", "--count", "90", stdout=out)
    assert '"x_mention": 90' in out.getvalue()
    call_command("poll", "--once", stdout=StringIO())  # ingest commits; its batches are noted after commit
    drain()  # what the minute's task does first

    assert detect_brand(brand_id=brand.pk, now=now + timedelta(minutes=1)).event == "new"
    spike = Spike.objects.get(brand=brand)
    assert spike.peak_observed >= 20 and spike.started_at >= now - timedelta(minutes=12)
    assert "recipes" in [term["term"] for term in spike.drivers["terms"]]
    assert Incident.objects.get(spike=spike).title.startswith("Surge of")
    delivery = AlertDelivery.objects.get(rule=rule)
    assert delivery.state == "sent" and delivery.channel == "in_app"
    assert account.messages.count() >= 90
