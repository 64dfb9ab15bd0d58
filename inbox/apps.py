from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        # The built-in bulk actions register themselves; the worker needs them too.
        from inbox import bulk  # noqa: F401
        from inbox.receivers import route_new_conversations
        from inbox.signals import messages_ingested
        from inbox.sla import receivers, tasks  # noqa: F401  (connect the SLA clock and register its tasks)

        messages_ingested.connect(route_new_conversations, dispatch_uid="inbox.round_robin")
