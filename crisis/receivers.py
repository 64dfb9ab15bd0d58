"""What the crisis detector does when inbox stores a batch: count it after commit (ingest does not wait)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inbox.signals import messages_ingested


def on_messages_ingested(*, message_ids: list[int], **kwargs: Any) -> None:
    from crisis.tasks import count_minutes

    ids = list(message_ids)
    transaction.on_commit(lambda: count_minutes.delay(ids))


def connect() -> None:
    messages_ingested.connect(on_messages_ingested, dispatch_uid="crisis.messages_ingested")
