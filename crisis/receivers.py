"""What crisis mode does when inbox stores a batch, checks a reply or draws a composer (inbox does not know us)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from crisis.models import Incident, IncidentStatus, Statement
from crisis.services.pending import note_batch
from crisis.services.playbooks import has_acknowledged
from inbox.models import Conversation
from inbox.services.replies import ReplyRefused
from inbox.signals import composer_opened, messages_ingested, reply_checking


def on_messages_ingested(*, message_ids: list[int], **kwargs: Any) -> None:
    """Noted after commit, counted and linked by the minute's task: ingest neither waits nor rolls back for it."""
    ids = list(message_ids)
    transaction.on_commit(lambda: note_batch(message_ids=ids))


def _incidents_of(conversation: Conversation) -> list[Incident]:
    return list(
        Incident.objects.filter(links__conversation=conversation, status=IncidentStatus.ACTIVE).select_related(
            "playbook_version"
        )
    )


def on_reply_checking(*, user: User, conversation: Conversation, **kwargs: Any) -> None:
    """A reply to a conversation of an active incident waits until its playbook version is acknowledged."""
    for incident in _incidents_of(conversation):
        if not has_acknowledged(user=user, incident=incident):
            version = incident.playbook_version
            raise ReplyRefused(
                f"This conversation is part of the incident \u201c{incident.title}\u201d: acknowledge playbook "
                f"v{version.number if version else ''} first ({reverse('crisis:incident', args=[incident.pk])}).",
                code="playbook_not_acknowledged",
            )


def on_composer_opened(*, user: User, conversation: Conversation, **kwargs: Any) -> dict[str, Any]:
    incidents = _incidents_of(conversation)
    if not incidents:
        return {}
    notices, suggestions = [], []
    for incident in incidents:
        notices.append(
            f"Part of the incident \u201c{incident.title}\u201d: start from an approved statement. Free text is "
            "sent as written (no reply approval is set up for this brand), so keep to the key facts."
        )
        if not has_acknowledged(user=user, incident=incident):
            notices.append("Acknowledge the current playbook on the incident page before replying.")
        version = incident.playbook_version
        if version:
            statements = Statement.objects.filter(version=version).order_by("kind")
            suggestions += [
                {
                    "pk": f"statement-{statement.pk}",
                    "title": f"Statement: {statement.get_kind_display()} (v{version.number})",
                    "language": "",
                    "text": statement.text,
                }
                for statement in statements
            ]
    return {"notices": notices, "suggestions": suggestions}


def connect() -> None:
    messages_ingested.connect(on_messages_ingested, dispatch_uid="crisis.messages_ingested")
    reply_checking.connect(on_reply_checking, dispatch_uid="crisis.reply_checking")
    composer_opened.connect(on_composer_opened, dispatch_uid="crisis.composer_opened")
