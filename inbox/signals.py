"""Signals other apps subscribe to (alert rules, query matching, crisis detection); ingest does not know them."""

from django.dispatch import Signal

# Sent inside the ingest transaction after new inbound messages are stored.
# Arguments: brand_id: int, message_ids: list[int]. Receivers may write (it is the same transaction).
messages_ingested = Signal()

# Sent once per SLA clock and kind when a waiting conversation crosses its at-risk share or its due time,
# inside the escalation transaction. Arguments: brand_id: int, conversation_id: int, clock_id: int,
# kind: "at_risk" | "breached", due_at: datetime, assignee_id: int | None.
sla_warning = Signal()

# Sent inside the transaction that marks an outbound reply failed (delivery refused or given up).
# Arguments: message_id: int. Receivers may write (it is the same transaction).
reply_failed = Signal()

# Sent inside retry_reply's transaction before a failed reply is queued again. Arguments: message_id: int.
# A receiver may refuse the retry by raising ReplyRefused (e.g. the code it carried went to someone else).
reply_retrying = Signal()

# Sent by check_reply before a reply is queued. Arguments: user, conversation, text. A receiver refuses the
# reply by raising inbox.services.replies.ReplyRefused with the reason (e.g. a crisis playbook to acknowledge).
reply_checking = Signal()

# Sent when a conversation's composer is drawn. Arguments: user, conversation. Receivers return a dict with
# optional "notices" (list of str shown above the text) and "suggestions" (texts to start from, as saved replies).
composer_opened = Signal()
