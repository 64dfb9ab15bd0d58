from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        from inbox.sla import receivers, tasks  # noqa: F401  (connect the SLA clock and register its tasks)
