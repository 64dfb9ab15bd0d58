from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self) -> None:
        from inbox.signals import reply_failed, reply_retrying
        from responses.receivers import code_message_failed, code_message_retrying

        reply_failed.connect(code_message_failed, dispatch_uid="responses.return_code")
        reply_retrying.connect(code_message_retrying, dispatch_uid="responses.reclaim_code")
