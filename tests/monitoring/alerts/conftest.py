from tests.monitoring.alerts.receivers import smtp_server, webhook_receiver

__all__ = ["smtp_server", "webhook_receiver"]
