from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from accounts.roles import sync_role_groups

        # Each app's permissions are created in its own post_migrate, so sync after every app's.
        post_migrate.connect(sync_role_groups, dispatch_uid="accounts.sync_role_groups")
