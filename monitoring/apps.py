from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Listening"

    def ready(self) -> None:
        # Query matching, alert rules and coverage warnings follow inbox events; their tasks register here.
        from monitoring import tasks as polling_tasks  # noqa: F401  (the listening check on beat)
        from monitoring.alerts import receivers, tasks  # noqa: F401
        from monitoring.checkins import tasks as checkin_tasks  # noqa: F401

        receivers.connect()
