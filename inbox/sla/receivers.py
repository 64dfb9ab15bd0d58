"""The SLA clock listens to ingest: new inbound messages open clocks in the ingest transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from inbox.signals import messages_ingested
from inbox.sla.services import start_clocks


@receiver(messages_ingested, dispatch_uid="sla_start_clocks")
def open_clocks_for_ingested(sender: Any, *, message_ids: list[int], **kwargs: Any) -> None:
    start_clocks(message_ids=message_ids)
