"""Inbox pages, one module per page family: queue, conversation, dashboard (and replies, by the reply work)."""
