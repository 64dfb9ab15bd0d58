"""Signals of responses that apps above it answer (crisis mode); responses does not know them."""

from django.dispatch import Signal

# Sent by responses.approval_rules.approval_reasons when the brand holds free text during a crisis
# (ResponseSettings.crisis_free_text). Arguments: agent, conversation, text (the reply as written) and
# filled (with its variables filled in). A receiver returns the reason the reply must wait, or None:
# crisis mode answers for a conversation of an active incident when the reply is not an approved statement.
crisis_reply_checking = Signal()
