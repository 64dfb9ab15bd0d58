"""The one place that changes a conversation's workflow: status, assignment, tags, notes, history.

Every `check_*` validates the actor (role and brand membership) and the request and raises a clear
error; every `do_*` writes, records a ConversationEvent and publishes a live event after commit.
Locking rule: a change takes the conversation's row lock (select_for_update) before reading the
state it changes, so two agents clicking at once apply one after the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from brands.models import Team
from brands.selectors import brands_for
from inbox.events import publish_on_commit
from inbox.models import (
    AgentAvailability,
    Conversation,
    ConversationEvent,
    ConversationTag,
    EventKind,
    InboxSettings,
    InternalNote,
    NotificationKind,
    Status,
    Tag,
)
from inbox.notifications import notify_on_commit

# Which status a person may move a conversation to from each status. "new" is only ever the first.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.PENDING, Status.RESOLVED, Status.SNOOZED, Status.SPAM},
    Status.OPEN: {Status.PENDING, Status.RESOLVED, Status.SNOOZED, Status.SPAM},
    Status.PENDING: {Status.OPEN, Status.RESOLVED, Status.SNOOZED, Status.SPAM},
    Status.SNOOZED: {Status.OPEN, Status.PENDING, Status.RESOLVED, Status.SPAM},
    Status.RESOLVED: {Status.OPEN, Status.SPAM},
    Status.SPAM: {Status.OPEN},
}
# Still on someone's plate, for the round-robin cap.
ON_PLATE = [Status.NEW, Status.OPEN, Status.PENDING]
ONLINE_WITHIN = dt.timedelta(seconds=90)
MAX_SNOOZE = dt.timedelta(days=365)
MAX_TAG_LENGTH = 50
MAX_NOTE_LENGTH = 5000


class WorkflowError(ValidationError):
    """A request the workflow refuses, with a message fit to show the person who asked."""


# ---------------------------------------------------------------- checks


def check_may_work_on(*, actor: User, conversation: Conversation) -> None:
    """Agents and up may work on conversations of the brands they belong to."""
    if not has_role(actor, Role.AGENT):
        raise PermissionDenied("Working on conversations needs the agent role.")
    if not brands_for(actor).filter(pk=conversation.brand_id).exists():
        raise PermissionDenied("You are not a member of this conversation's brand.")


def lock_conversation(*, actor: User | None, conversation_id: int) -> Conversation:
    """Take the row lock and, for a person, check they may work on it (call inside a transaction)."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    if actor is not None:
        check_may_work_on(actor=actor, conversation=conversation)
    return conversation


def check_status_change(*, conversation: Conversation, status: str, snoozed_until: dt.datetime | None) -> None:
    if status not in Status.values:
        raise WorkflowError(f"{status!r} is not a status.")
    if status not in TRANSITIONS[conversation.status]:
        raise WorkflowError(
            f"A {Status(conversation.status).label.lower()} conversation cannot become {Status(status).label.lower()}."
        )
    if status == Status.SNOOZED:
        now = timezone.now()
        if snoozed_until is None or snoozed_until <= now:
            raise WorkflowError("Snooze until a time in the future.")
        if snoozed_until > now + MAX_SNOOZE:
            raise WorkflowError("Snooze for at most a year.")


def check_assignee(*, conversation: Conversation, assignee: User | None, team: Team | None) -> None:
    # Someone outside the brand, or a team of another brand, is not named: the actor may not know of them.
    if assignee is not None:
        if not brands_for(assignee).filter(pk=conversation.brand_id).exists():
            raise WorkflowError("That person is not a member of this conversation's brand.")
        if not has_role(assignee, Role.AGENT):
            raise WorkflowError(f"{assignee.get_username()} has no agent role and cannot take conversations.")
    if team is not None and team.brand_id != conversation.brand_id:
        raise WorkflowError("That team is not one of this conversation's brand.")


# ---------------------------------------------------------------- history and events


def _record(*, conversation: Conversation, actor: User | None, kind: str, data: dict[str, Any]) -> None:
    ConversationEvent.objects.create(conversation=conversation, actor=actor, kind=kind, data=data)
    publish_on_commit(
        brand_id=conversation.brand_id, kind="conversation.updated", payload={"conversation_ids": [conversation.pk]}
    )


def _set_status(*, conversation: Conversation, actor: User | None, status: str, until: dt.datetime | None) -> None:
    previous = conversation.status
    conversation.status = status
    conversation.snoozed_until = until if status == Status.SNOOZED else None
    fields = ["status", "snoozed_until", "updated_at"]
    if conversation.to_review and status in (Status.RESOLVED, Status.SPAM):
        # Reviewed: its review target is met (an item to review has no clock to settle it).
        conversation.response_due_at = None
        fields.append("response_due_at")
    conversation.save(update_fields=fields)
    data: dict[str, Any] = {"from": previous, "to": status}
    if until is not None and status == Status.SNOOZED:
        data["until"] = until.isoformat()
    _record(conversation=conversation, actor=actor, kind=EventKind.STATUS, data=data)


# ---------------------------------------------------------------- status


@transaction.atomic
def do_change_status(
    *, actor: User, conversation_id: int, status: str, snoozed_until: dt.datetime | None = None
) -> Conversation:
    """Move a conversation along new → open → pending → resolved, snooze it, or mark it spam."""
    conversation = lock_conversation(actor=actor, conversation_id=conversation_id)
    check_status_change(conversation=conversation, status=status, snoozed_until=snoozed_until)
    _set_status(conversation=conversation, actor=actor, status=status, until=snoozed_until)
    return conversation


@transaction.atomic
def do_wake_snoozed(*, now: dt.datetime | None = None) -> list[int]:
    """Snoozes that ran out come back as open work (Celery beat runs this every minute)."""
    moment = now or timezone.now()
    woken = []
    due = Conversation.objects.select_for_update(skip_locked=True).filter(
        status=Status.SNOOZED, snoozed_until__lte=moment
    )
    for conversation in due.order_by("pk")[:500]:
        _set_status(conversation=conversation, actor=None, status=Status.OPEN, until=None)
        woken.append(conversation.pk)
    return woken


# ---------------------------------------------------------------- assignment


def _assign(*, conversation: Conversation, actor: User | None, assignee: User | None, team: Team | None) -> None:
    data = {
        "from": conversation.assignee.get_username() if conversation.assignee else None,
        "to": assignee.get_username() if assignee else None,
        "team": team.name if team else None,
    }
    conversation.assignee = assignee
    conversation.team = team
    conversation.save(update_fields=["assignee", "team", "updated_at"])
    _record(conversation=conversation, actor=actor, kind=EventKind.ASSIGNED, data=data)
    if assignee is not None and (actor is None or assignee.pk != actor.pk):
        notify_on_commit(user_id=assignee.pk, kind=NotificationKind.ASSIGNED, conversation=conversation)
    # Someone owning a new conversation means it is being worked on.
    if assignee is not None and conversation.status == Status.NEW:
        _set_status(conversation=conversation, actor=actor, status=Status.OPEN, until=None)


@transaction.atomic
def do_assign(*, actor: User, conversation_id: int, assignee: User | None, team: Team | None = None) -> Conversation:
    """Assign to a person and/or a team; both None unassigns."""
    conversation = lock_conversation(actor=actor, conversation_id=conversation_id)
    check_assignee(conversation=conversation, assignee=assignee, team=team)
    _assign(conversation=conversation, actor=actor, assignee=assignee, team=team)
    return conversation


def do_claim(*, actor: User, conversation_id: int) -> Conversation:
    """Take a conversation for oneself (keeps its team)."""
    with transaction.atomic():
        team = Conversation.objects.select_for_update().get(pk=conversation_id).team
        return do_assign(actor=actor, conversation_id=conversation_id, assignee=actor, team=team)


def _next_agent(*, options: InboxSettings, now: dt.datetime, scheduled: set[int]) -> User | None:
    """The online, on-shift eligible agent of the brand under the cap who got a conversation longest ago.

    On shift: started by hand, or covered now by a scheduled shift (`scheduled`). Eligible: listed in the
    brand's routing settings, or, when nobody is listed, any member not in training.
    """
    eligible = [person.pk for person in options.eligible.all()]
    candidates = (
        User.objects.filter(
            brands__pk=options.brand_id,
            is_active=True,
            availability__last_seen_at__gte=now - ONLINE_WITHIN,
        )
        .filter(Q(availability__on_shift=True) | Q(pk__in=scheduled))
        .filter(Q(pk__in=eligible) if eligible else Q(in_training=False))
        .filter(Q(groups__name__in=[r.value for r in Role]) | Q(is_superuser=True))
        .annotate(on_plate=Count("assigned", filter=Q(assigned__status__in=ON_PLATE), distinct=True))
        .filter(on_plate__lt=options.max_open_per_agent)
        .order_by(F("availability__last_assigned_at").asc(nulls_first=True), "pk")
    )
    return candidates.first()


@transaction.atomic
def do_route_new_conversations(*, brand_id: int, conversation_ids: Iterable[int]) -> dict[int, int]:
    """Round-robin new, unassigned conversations among online agents on shift, under the brand's cap.

    Does nothing unless the brand turned round-robin on. Returns {conversation_id: user_id}. Ingest
    calls this after storing a batch; conversations nobody can take stay unassigned in the queue.
    """
    options = InboxSettings.objects.filter(brand_id=brand_id, round_robin=True).first()
    if options is None:
        return {}
    routed: dict[int, int] = {}
    now = timezone.now()
    waiting = list(
        Conversation.objects.select_for_update(skip_locked=True)
        .filter(pk__in=list(conversation_ids), brand_id=brand_id, status=Status.NEW, assignee__isnull=True)
        .order_by("pk")
    )
    if not waiting:
        return routed
    # Imported here: the schedule's module reads the SLA dashboard, which imports this one.
    from monitoring.checkins.services import on_shift

    scheduled = {person.pk for person in on_shift(brand_id=brand_id, when=now)}
    for conversation in waiting:
        agent = _next_agent(options=options, now=now, scheduled=scheduled)
        if agent is None:
            break
        _assign(conversation=conversation, actor=None, assignee=agent, team=conversation.team)
        AgentAvailability.objects.filter(user=agent).update(last_assigned_at=timezone.now())
        routed[conversation.pk] = agent.pk
    return routed


def do_set_availability(*, user: User, on_shift: bool | None = None, seen: bool = False) -> AgentAvailability:
    """Start or end one's shift, and/or note that their inbox is open right now (online)."""
    availability, _ = AgentAvailability.objects.get_or_create(user=user)
    fields = []
    if on_shift is not None:
        availability.on_shift = on_shift
        fields.append("on_shift")
    if seen:
        availability.last_seen_at = timezone.now()
        fields.append("last_seen_at")
    if fields:
        availability.save(update_fields=fields)
    return availability


# ---------------------------------------------------------------- tags and notes


def check_tag_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise WorkflowError("A tag needs a name.")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise WorkflowError(f"A tag has at most {MAX_TAG_LENGTH} characters.")
    return cleaned


@transaction.atomic
def do_add_tag(*, actor: User, conversation_id: int, name: str) -> Tag:
    conversation = lock_conversation(actor=actor, conversation_id=conversation_id)
    cleaned = check_tag_name(name)
    tag = Tag.objects.filter(brand_id=conversation.brand_id, name__iexact=cleaned).first()
    if tag is None:
        tag = Tag.objects.create(brand_id=conversation.brand_id, name=cleaned)
    _, created = ConversationTag.objects.get_or_create(conversation=conversation, tag=tag, defaults={"added_by": actor})
    if created:
        _record(conversation=conversation, actor=actor, kind=EventKind.TAGGED, data={"tag": tag.name})
    return tag


@transaction.atomic
def do_remove_tag(*, actor: User, conversation_id: int, tag_id: int) -> None:
    conversation = lock_conversation(actor=actor, conversation_id=conversation_id)
    link = ConversationTag.objects.filter(conversation=conversation, tag_id=tag_id).select_related("tag").first()
    if link is None:
        raise WorkflowError("This conversation does not carry that tag.")
    link.delete()
    _record(conversation=conversation, actor=actor, kind=EventKind.UNTAGGED, data={"tag": link.tag.name})


@transaction.atomic
def do_add_note(*, actor: User, conversation_id: int, text: str) -> InternalNote:
    conversation = lock_conversation(actor=actor, conversation_id=conversation_id)
    body = text.strip()
    if not body:
        raise WorkflowError("A note cannot be empty.")
    if len(body) > MAX_NOTE_LENGTH:
        raise WorkflowError(f"A note has at most {MAX_NOTE_LENGTH} characters.")
    note = InternalNote.objects.create(conversation=conversation, author=actor, text=body)
    _record(conversation=conversation, actor=actor, kind=EventKind.NOTE, data={"note_id": note.pk})
    return note
