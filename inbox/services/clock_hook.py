"""When a waiting conversation's first response falls due; the SLA clock (inbox/sla/) owns the policy."""

from __future__ import annotations

from datetime import datetime, timedelta

from inbox.models import Conversation


def response_due_at(conversation: Conversation, received_at: datetime) -> datetime:
    """The brand's first-response target counted from when the unanswered message reached us."""
    return received_at + timedelta(minutes=conversation.brand.first_response_target_minutes)
