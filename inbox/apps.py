from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from inbox.sla import receivers, tasks  # noqa: F401  (connect the SLA clock and register its tasks)

        # The built-in bulk actions register themselves; the worker needs them too.
        from inbox import bulk  # noqa: F401
