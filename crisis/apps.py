from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = "Crisis"

    def ready(self) -> None:
        # Minute counts follow committed ingest batches; the detector's tasks register here.
        from crisis import receivers, tasks  # noqa: F401

        receivers.connect()
