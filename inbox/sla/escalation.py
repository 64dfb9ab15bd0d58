"""Escalation: fire each at-risk / breached warning once per clock, tell listeners and browsers, reassign.

Many workers may run it at once: the INSERT ... ON CONFLICT DO NOTHING on (clock, kind) lets exactly one
of them see a warning as new, and only that one notifies.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from inbox.events import publish_on_commit
from inbox.models import Conversation, NotificationKind, Status
from inbox.notifications import notify_on_commit
from inbox.signals import sla_warning
from inbox.sla import services
from inbox.sla.models import Outcome, ResponseClock, WarningKind

# One statement claims every warning that is due and not yet fired; RETURNING lists only the new ones.
_CLAIM_SQL = """
INSERT INTO inbox_slawarning (clock_id, kind, fired_at)
SELECT clock.id, edge.kind, %(now)s
FROM inbox_responseclock AS clock
JOIN inbox_conversation AS conversation ON conversation.id = clock.conversation_id
CROSS JOIN LATERAL (VALUES ('at_risk', clock.at_risk_at), ('breached', clock.due_at)) AS edge(kind, at)
WHERE clock.outcome = 'open' AND clock.at_risk_at <= %(now)s AND edge.at <= %(now)s
  AND conversation.status <> ALL(%(done)s)
ON CONFLICT (clock_id, kind) DO NOTHING
RETURNING clock_id, kind
"""

_DONE = (Status.RESOLVED.value, Status.SPAM.value)


def settle_stale_clocks(*, limit: int = 500) -> int:
    """End open clocks whose wait is over without record_response having been called (see services.settle_stale_clocks).

    That is: a brand reply ingest found by polling cleared the wait, a later message started a new one,
    or the conversation was resolved or marked spam without a reply.
    """
    stale = (
        ResponseClock.objects.filter(outcome=Outcome.OPEN)
        .filter(
            Q(conversation__awaiting_reply_since__isnull=True)
            | Q(conversation__awaiting_reply_since__gt=F("started_at"))
            | Q(conversation__status__in=_DONE)
        )
        .select_related("conversation__brand", "policy")
        .select_for_update(of=("self",), skip_locked=True)
        .order_by("pk")[:limit]
    )
    return len(services.settle_stale_clocks(list(stale)))


@transaction.atomic
def fire_warnings(*, now: datetime | None = None) -> list[tuple[int, str]]:
    """Claim and announce the warnings due at `now`; returns (clock id, kind) of those this call fired."""
    now = now or timezone.now()
    settle_stale_clocks()
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, {"now": now, "done": list(_DONE)})
        claimed = cursor.fetchall()
    kinds: dict[int, str] = {}
    for clock_id, kind in claimed:
        # A clock first seen already past due gets both rows, but only the breach is announced.
        if kinds.get(clock_id) != WarningKind.BREACHED:
            kinds[clock_id] = kind
    clocks = ResponseClock.objects.filter(pk__in=kinds).select_related("conversation", "policy")
    for clock in clocks.order_by("pk"):
        _announce(clock, kinds[clock.pk])
    return sorted(kinds.items())


def _announce(clock: ResponseClock, kind: str) -> None:
    conversation = clock.conversation
    reassigned_to = _reassign(clock, kind)
    if kind == WarningKind.AT_RISK:
        owner = reassigned_to or conversation.assignee_id
        notify_on_commit(user_id=owner, kind=NotificationKind.AT_RISK, conversation=conversation)
    sla_warning.send(
        sender=ResponseClock,
        brand_id=clock.brand_id,
        conversation_id=conversation.pk,
        clock_id=clock.pk,
        kind=kind,
        due_at=clock.due_at,
        assignee_id=reassigned_to or conversation.assignee_id,
    )
    publish_on_commit(
        brand_id=clock.brand_id,
        kind="sla.warning",
        payload={
            "conversation_id": conversation.pk,
            "state": kind,
            "due_at": clock.due_at.isoformat(),
            "reassigned_to": reassigned_to,
        },
    )


def _reassign(clock: ResponseClock, kind: str) -> int | None:
    """Hand the conversation to the policy's escalation person when the policy asks for it at this state."""
    policy = clock.policy
    if policy is None or policy.escalate_to_id is None or policy.escalation != kind:
        return None
    if clock.conversation.assignee_id == policy.escalate_to_id:
        return None
    Conversation.objects.filter(pk=clock.conversation_id).update(assignee_id=policy.escalate_to_id)
    return policy.escalate_to_id
