from django.apps import AppConfig


class SettingsPagesConfig(AppConfig):
    name = "settings_pages"
    verbose_name = "Settings pages"

    def ready(self) -> None:
        from settings_pages import receivers

        receivers.connect()
