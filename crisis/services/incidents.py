"""Incidents: proposed by a spike, declared or confirmed by a supervisor, closed with a report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from crisis.models import Incident, IncidentConversation, IncidentStatus, Spike, TimelineEntry, TimelineKind
from crisis.services.drivers import drivers
from crisis.services.playbooks import check_supervisor_of, current_version
from inbox.models import ConversationTag, Direction, Message, Tag
from monitoring.alerts.conditions import EXAMPLES_KEPT, Hit
from monitoring.alerts.models import AlertRule
from monitoring.alerts.services import raise_alerts
from monitoring.queries.matcher import Document, compile_matcher
from monitoring.queries.parser import QuerySyntaxError, parse

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


LINK_LOOKBACK = timedelta(days=2)
LINK_SCAN_LIMIT = 20000


def crisis_tag_name(incident: Incident) -> str:
    return f"Crisis #{incident.pk}"


def check_definition(definition: str) -> str:
    definition = definition.strip()
    if definition:
        try:
            parse(definition)
        except QuerySyntaxError as error:
            raise ValidationError({"definition": str(error)}) from error
    return definition


def _link(incident: Incident, candidates: Iterable[tuple[int, str, str, str]]) -> int:
    """Link the conversations whose messages match the incident's definition; tag them with its crisis tag."""
    if not incident.definition:
        return 0
    matcher = compile_matcher(parse(incident.definition))
    conversation_ids = sorted(
        {
            conversation
            for conversation, text, language, channel in candidates
            if matcher(Document.of(text, language=language, channel=channel))
        }
    )
    if not conversation_ids:
        return 0
    tag, _ = Tag.objects.get_or_create(brand_id=incident.brand_id, name=crisis_tag_name(incident))
    IncidentConversation.objects.bulk_create(
        [IncidentConversation(incident=incident, conversation_id=pk) for pk in conversation_ids], ignore_conflicts=True
    )
    ConversationTag.objects.bulk_create(
        [ConversationTag(conversation_id=pk, tag=tag) for pk in conversation_ids], ignore_conflicts=True
    )
    return len(conversation_ids)


def _candidates(messages: QuerySet[Message]) -> QuerySet[Message, tuple[int, str, str, str]]:
    return messages.filter(direction=Direction.INBOUND).values_list(
        "conversation_id", "text", "language", "account__platform"
    )


def link_existing(incident: Incident) -> int:
    """Conversations already in the queue: messages of the last two days before the incident began."""
    since = (incident.spike.started_at if incident.spike else timezone.now()) - LINK_LOOKBACK
    recent = Message.objects.filter(conversation__brand_id=incident.brand_id, platform_time__gte=since)
    return _link(incident, _candidates(recent).order_by("-platform_time")[:LINK_SCAN_LIMIT])


def link_arrivals(*, message_ids: list[int]) -> int:
    """After an ingest batch commits: its messages join the active incidents of their brand they match."""
    brand_ids = set(
        Message.objects.filter(pk__in=message_ids).values_list("conversation__brand_id", flat=True).distinct()
    )
    incidents = list(
        Incident.objects.filter(brand_id__in=brand_ids, status=IncidentStatus.ACTIVE).exclude(definition="")
    )
    linked = 0
    for incident in incidents:
        batch = Message.objects.filter(pk__in=message_ids, conversation__brand_id=incident.brand_id)
        linked += _link(incident, _candidates(batch))
    return linked


@transaction.atomic
def do_declare(
    *,
    user: User,
    brand_id: int,
    title: str,
    severity: str,
    summary: str,
    definition: str,
    incident_id: int | None = None,
) -> Incident:
    """Declare an incident, or confirm a proposed one (incident_id); link what matches its definition."""
    check_supervisor_of(user, brand_id)
    if incident_id is None:
        incident = Incident(brand_id=brand_id)
    else:
        incident = Incident.objects.select_for_update().get(pk=incident_id, brand_id=brand_id)
        if incident.status != IncidentStatus.PROPOSED:
            raise ValidationError("Only a proposed incident can be confirmed.")
    incident.title, incident.severity, incident.summary = title.strip()[:200], severity, summary.strip()
    incident.definition = check_definition(definition)
    incident.status, incident.declared_by, incident.declared_at = IncidentStatus.ACTIVE, user, timezone.now()
    incident.playbook_version = current_version(brand_id=brand_id, language=incident.language)
    incident.full_clean()
    incident.save()
    verb = "confirmed" if incident_id else "declared"
    _note(incident, TimelineKind.DECLARED, f"{user.get_username()} {verb}: {incident.title}", actor_id=user.pk)
    if incident.playbook_version:
        version = incident.playbook_version
        _note(incident, TimelineKind.STATEMENT, f"Playbook v{version.number} ({version.playbook.language}) in force")
    link_existing(incident)
    return incident


@transaction.atomic
def do_set_status(*, user: User, incident_id: int, status: str) -> Incident:
    """Dismiss a proposed incident or close an active one."""
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    check_supervisor_of(user, incident.brand_id)
    allowed = {IncidentStatus.PROPOSED: IncidentStatus.DISMISSED, IncidentStatus.ACTIVE: IncidentStatus.CLOSED}
    if allowed.get(IncidentStatus(incident.status)) != status:
        raise ValidationError(f"A {incident.get_status_display().lower()} incident cannot become {status}.")
    incident.status = status
    incident.closed_at = timezone.now()
    incident.save(update_fields=["status", "closed_at"])
    _note(incident, TimelineKind.STATUS, f"{user.get_username()}: {incident.get_status_display()}", actor_id=user.pk)
    return incident
