"""Signals other apps subscribe to (alert rules, query matching, crisis detection); ingest does not know them."""

from django.dispatch import Signal

# Sent inside the ingest transaction after new inbound messages are stored.
# Arguments: brand_id: int, message_ids: list[int]. Receivers may write (it is the same transaction).
messages_ingested = Signal()
