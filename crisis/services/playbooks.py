"""Playbooks: versions written by one person and approved by a supervisor; acknowledged during incidents."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from brands.models import Brand
from brands.selectors import brands_for
from crisis.models import (
    Acknowledgement,
    Incident,
    IncidentStatus,
    Playbook,
    PlaybookVersion,
    Statement,
    StatementKind,
    TimelineEntry,
    TimelineKind,
)


def check_supervisor_of(user: User, brand_id: int) -> None:
    if not has_role(user, Role.SUPERVISOR) or not brands_for(user).filter(pk=brand_id).exists():
        raise PermissionDenied("Only a supervisor of this brand can do this.")


def current_version(*, brand_id: int, language: str) -> PlaybookVersion | None:
    """The newest approved version in the language, else in English, else any."""
    approved = PlaybookVersion.objects.filter(playbook__brand_id=brand_id, approved_at__isnull=False)
    for chosen in (approved.filter(playbook__language=language), approved.filter(playbook__language="en"), approved):
        version = chosen.order_by("-approved_at", "-number").first()
        if version:
            return version
    return None


@transaction.atomic
def do_write_version(
    *,
    author: User,
    brand: Brand,
    language: str,
    key_facts: str,
    escalation_contacts: str,
    steps: str,
    statements: dict[str, str],
) -> PlaybookVersion:
    """A new draft version; it counts once a supervisor other than its author approves it."""
    check_supervisor_of(author, brand.pk)
    playbook, _ = Playbook.objects.select_for_update().get_or_create(brand=brand, language=language.strip() or "en")
    Playbook.objects.select_for_update().filter(pk=playbook.pk).get()
    number = (playbook.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlaybookVersion.objects.create(
        playbook=playbook,
        number=number,
        key_facts=key_facts.strip(),
        escalation_contacts=escalation_contacts.strip(),
        steps=steps.strip(),
        author=author,
    )
    kinds = set(StatementKind.values)
    Statement.objects.bulk_create(
        Statement(version=version, kind=kind, text=text.strip())
        for kind, text in statements.items()
        if kind in kinds and text.strip()
    )
    return version


@transaction.atomic
def do_approve_version(*, approver: User, version_id: int) -> PlaybookVersion:
    """Approve a version: it becomes current, and active incidents in its language move to it (re-acknowledged)."""
    version = PlaybookVersion.objects.select_for_update().select_related("playbook").get(pk=version_id)
    check_supervisor_of(approver, version.playbook.brand_id)
    if version.author_id == approver.pk:
        raise ValidationError("A version is approved by someone other than its author.")
    if version.approved_at is None:
        version.approver, version.approved_at = approver, timezone.now()
        version.save(update_fields=["approver", "approved_at"])
        active = Incident.objects.filter(brand_id=version.playbook.brand_id, status=IncidentStatus.ACTIVE)
        for incident in active.filter(language=version.playbook.language):
            incident.playbook_version = version
            incident.save(update_fields=["playbook_version"])
            TimelineEntry.objects.create(
                incident=incident,
                kind=TimelineKind.STATEMENT,
                text=f"Playbook v{version.number} ({version.playbook.language}) issued",
                at=version.approved_at,
                actor=approver,
            )
    return version


def has_acknowledged(*, user: User, incident: Incident) -> bool:
    return incident.playbook_version_id is None or (
        Acknowledgement.objects.filter(incident=incident, user=user, version_id=incident.playbook_version_id).exists()
    )


@transaction.atomic
def do_acknowledge(*, user: User, incident_id: int) -> Acknowledgement | None:
    """The user read the incident's current playbook version (once per version)."""
    incident = Incident.objects.select_related("playbook_version").get(
        pk=incident_id, brand__in=brands_for(user), status=IncidentStatus.ACTIVE
    )
    if incident.playbook_version is None:
        return None
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        incident=incident, user=user, version=incident.playbook_version
    )
    if created:
        TimelineEntry.objects.create(
            incident=incident,
            kind=TimelineKind.ACKNOWLEDGED,
            text=f"{user.get_username()} acknowledged playbook v{incident.playbook_version.number}",
            at=acknowledgement.at,
            actor=user,
        )
    return acknowledgement
