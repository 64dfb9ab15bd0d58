"""The inbox's REST API (`/api/v1/conversations/`): the queue, one conversation, reply and workflow changes."""
