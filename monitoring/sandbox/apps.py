from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "monitoring.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox platform"
