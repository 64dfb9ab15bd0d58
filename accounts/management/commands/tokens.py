"""`manage.py tokens create USERNAME [--expires-days N]` and `tokens revoke USERNAME`: API tokens for scripts."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.tokens import TokenRefused, create_token, revoke_tokens


class Command(BaseCommand):
    help = "Create an API token for a person (printed once, alone on the last line) or revoke all of theirs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a new token; it is shown once.")
        create.add_argument("username")
        create.add_argument("--expires-days", type=int, default=None, help="Days until it expires.")
        revoke = actions.add_parser("revoke", help="Revoke every token of the person.")
        revoke.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        if options["action"] == "revoke":
            self.stdout.write(f"Revoked {revoke_tokens(user=user)} token(s) of {user.get_username()}.")
            return
        try:
            instance, token = create_token(user=user, expires_days=options["expires_days"])
        except TokenRefused as error:
            raise CommandError(str(error)) from error
        expires = f"{instance.expiry:%Y-%m-%d %H:%M} UTC" if instance.expiry else "never"
        self.stdout.write(f"Token for {user.get_username()}, expires {expires}; it is not shown again:")
        self.stdout.write(token)
