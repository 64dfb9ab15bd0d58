"""When a waiting conversation's response falls due; the SLA clock (inbox/sla/) owns the policy."""

from __future__ import annotations

from datetime import datetime

from inbox.models import Conversation
from inbox.sla import services as sla


def response_due_at(conversation: Conversation, received_at: datetime) -> datetime:
    """The brand's policy (channel, priority, coverage hours, first or next response) counted from receipt."""
    return sla.response_due_at(conversation, received_at)
