"""The real SLA escalation's warnings reach alert rules (no hand-sent signal)."""

from datetime import UTC, datetime, timedelta

import pytest

from inbox.sla.escalation import fire_warnings
from inbox.sla.services import set_policy
from monitoring.alerts.models import AlertChannel, AlertDelivery, AlertRule
from tests.inbox.sla.helpers import channel, conversation

T = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.mark.django_db
def test_breach_from_escalation_raises_the_sla_rules_alert(brand) -> None:
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[])
    AlertRule.objects.create(brand=brand, name="Breaches", sla_kinds=["breached"], email_recipients="lead@example.com")
    convo = conversation(channel(brand), received=T)
    fire_warnings(now=T + timedelta(minutes=45))  # at risk: this rule does not listen to it
    assert not AlertDelivery.objects.exists()
    fire_warnings(now=T + timedelta(minutes=61))
    deliveries = AlertDelivery.objects.order_by("channel")
    assert [(d.channel, d.reason, d.conversation_ids) for d in deliveries] == [
        (AlertChannel.EMAIL, "SLA breached", [convo.pk]),
        (AlertChannel.IN_APP, "SLA breached", [convo.pk]),
    ]
