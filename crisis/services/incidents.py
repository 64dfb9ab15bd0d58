"""Incidents: proposed by a spike, declared or confirmed by a supervisor, closed with a report."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from crisis.models import Incident, IncidentStatus, Spike, TimelineEntry, TimelineKind
from crisis.services.drivers import drivers
from monitoring.alerts.conditions import EXAMPLES_KEPT, Hit
from monitoring.alerts.models import AlertRule
from monitoring.alerts.services import raise_alerts

KIND_WORDS = {"volume": "mentions", "negative": "negative mentions"}


def describe(spike: Spike) -> str:
    what = KIND_WORDS.get(spike.peak_kind, spike.peak_kind)
    return (
        f"{what} spike: {spike.peak_observed} in {spike.peak_window_minutes} min "
        f"against {spike.peak_expected:g} normal for this hour"
    )


def _note(incident: Incident, kind: str, text: str, *, at: datetime | None = None, actor_id: int | None = None) -> None:
    TimelineEntry.objects.create(
        incident=incident, kind=kind, text=text[:500], at=at or timezone.now(), actor_id=actor_id
    )


def _proposal_title(spike: Spike) -> str:
    terms = [term["term"] for term in spike.drivers.get("terms", [])[:3]]
    about = f" about {', '.join(terms)}" if terms else ""
    return f"Surge of {KIND_WORDS.get(spike.kind, spike.kind)}{about}"[:200]


def on_spike_opened(spike: Spike) -> Incident:
    """A new storm: its drivers, a proposed incident, and the alert through the brand's crisis-spike rules."""
    spike.drivers = drivers(brand_id=spike.brand_id, start=spike.started_at, end=spike.detected_at)
    spike.save(update_fields=["drivers"])
    incident = Incident.objects.create(
        brand_id=spike.brand_id,
        spike=spike,
        title=_proposal_title(spike),
        summary=describe(spike),
        definition=" OR ".join(term["term"] for term in spike.drivers["terms"][:3]),
    )
    _note(incident, TimelineKind.ALERT, describe(spike), at=spike.detected_at)
    _note(incident, TimelineKind.PROPOSED, "Incident proposed by the crisis detector", at=spike.detected_at)
    examples = spike.drivers["examples"]
    hits = [
        Hit(
            rule,
            describe(spike),
            spike.peak_observed,
            [example["message_id"] for example in examples][:EXAMPLES_KEPT],
            [example["conversation_id"] for example in examples][:EXAMPLES_KEPT],
        )
        for rule in AlertRule.objects.filter(brand_id=spike.brand_id, enabled=True, crisis_spikes=True)
    ]
    raise_alerts(hits=hits)
    return incident


def on_spike_grew(spike: Spike) -> None:
    """A growing storm updates its alert: drivers again and a line on the timeline, no second alert."""
    spike.drivers = drivers(brand_id=spike.brand_id, start=spike.started_at, end=spike.peak_at)
    spike.save(update_fields=["drivers"])
    for incident in Incident.objects.filter(spike=spike).exclude(status=IncidentStatus.DISMISSED):
        _note(incident, TimelineKind.ALERT_UPDATED, describe(spike), at=spike.peak_at)
