from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        # The built-in bulk actions register themselves; the worker needs them too.
        from inbox import bulk  # noqa: F401
        from inbox import tasks as inbox_tasks  # noqa: F401  (inbox.enqueue starts them by their registered names)
        from inbox.receivers import route_new_conversations
        from inbox.signals import messages_ingested
        from inbox.sla import receivers  # noqa: F401  (connects the SLA clock)
        from inbox.sla import tasks as sla_tasks  # noqa: F401  (registers the SLA's tasks)

        messages_ingested.connect(route_new_conversations, dispatch_uid="inbox.round_robin")
