"""When a waiting conversation's response falls due; the SLA clock (inbox/sla/) owns the policy."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime

from inbox.models import Conversation
from inbox.sla import services as sla


def response_due_at(conversation: Conversation, received_at: datetime) -> datetime:
    """The brand's policy (channel, priority, coverage hours, first or next response) counted from receipt."""
    return sla.response_due_at(conversation, received_at)


def batch() -> AbstractContextManager[None]:
    """Around one ingest batch: the policies are read once for it, by ingest and by the clocks it starts."""
    return sla.settings_read_once()
