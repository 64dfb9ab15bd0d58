"""What crisis mode does when inbox stores a batch, checks a reply or draws a composer, and when responses asks
whether a reply is free text during a crisis (neither knows us)."""

from __future__ import annotations

import contextlib
import re
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
from responses.models import ResponseSettings
from responses.rendering import UnfillableVariable, render
from responses.services import variables_for
from responses.signals import crisis_reply_checking


def on_messages_ingested(*, message_ids: list[int], **kwargs: Any) -> None:
    """Noted after commit, counted and linked by the minute's task: ingest neither waits nor rolls back for it."""
    ids = list(message_ids)
    transaction.on_commit(lambda: note_batch(message_ids=ids))


# The active incidents of a conversation are read once per instance: a send asks for them in its approval
# rule and again in its reply check, on the one conversation row it holds locked.
INCIDENTS_READ = "_crisis_active_incidents"


def _incidents_of(conversation: Conversation) -> list[Incident]:
    if INCIDENTS_READ not in conversation.__dict__:
        conversation.__dict__[INCIDENTS_READ] = list(
            Incident.objects.filter(links__conversation=conversation, status=IncidentStatus.ACTIVE).select_related(
                "playbook_version"
            )
        )
    incidents: list[Incident] = conversation.__dict__[INCIDENTS_READ]
    return incidents


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


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _is_statement(text: str, filled: str, incident: Incident, *, agent: User, conversation: Conversation) -> bool:
    """The reply is one of the incident's approved statements, as issued (its variables filled in or not)."""
    if incident.playbook_version_id is None:
        return False
    values = variables_for(conversation, agent=agent)
    for statement in Statement.objects.filter(version_id=incident.playbook_version_id):
        issued = {_words(statement.text)}
        # A variable this conversation cannot fill: only the statement as written matches.
        with contextlib.suppress(UnfillableVariable):
            issued.add(_words(render(statement.text, values)))
        if issued & {_words(text), _words(filled)}:
            return True
    return False


def on_crisis_reply_checking(
    *, agent: User, conversation: Conversation, text: str, filled: str, **kwargs: Any
) -> str | None:
    """Free text on a conversation of an active incident waits for a supervisor; an approved statement does not."""
    for incident in _incidents_of(conversation):
        if not _is_statement(text, filled, incident, agent=agent, conversation=conversation):
            return f"free text during the incident \u201c{incident.title}\u201d (not one of its approved statements)"
    return None


def _free_text_held(brand_id: int) -> bool:
    held = ResponseSettings.objects.filter(brand_id=brand_id).values_list("crisis_free_text", flat=True).first()
    return held is None or held


def on_composer_opened(*, user: User, conversation: Conversation, **kwargs: Any) -> dict[str, Any]:
    incidents = _incidents_of(conversation)
    if not incidents:
        return {}
    notices, suggestions = [], []
    free_text = (
        "Free text waits for a supervisor's approval; an approved statement goes out at once."
        if _free_text_held(conversation.brand_id)
        else "Free text is sent as written (this brand does not hold it for approval), so keep to the key facts."
    )
    for incident in incidents:
        notices.append(
            f"Part of the incident \u201c{incident.title}\u201d: start from an approved statement. {free_text}"
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
    crisis_reply_checking.connect(on_crisis_reply_checking, dispatch_uid="crisis.crisis_reply_checking")
