"""`manage.py people add USERNAME --role agent|supervisor|admin --brand SLUG [--email E] [--password-stdin]`."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from brands.models import Brand
from settings_pages.people import PeopleError, Profile, add_person


class Command(BaseCommand):
    help = "Add a person with a role on a brand (the set-up the People page does, for scripts)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a person.")
        add.add_argument("username")
        add.add_argument("--role", required=True, help="agent, supervisor or admin.")
        add.add_argument("--brand", required=True, help="The brand's slug (`manage.py brands list`).")
        add.add_argument("--email", default="")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input; without it a one-time link to set one is printed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            role = Role(options["role"])
        except ValueError:
            raise CommandError(f"There is no role {options['role']!r}: use agent, supervisor or admin.") from None
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"There is no brand {options['brand']!r}; `manage.py brands list` shows the brands.")
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password came on standard input.")
        try:
            person, link = add_person(
                username=options["username"],
                role=role,
                brand=brand,
                profile=Profile(email=options["email"]),
                password=password,
            )
        except PeopleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Added {person.get_username()}: {role.label.lower()} of {brand.slug}."))
        if password is None:
            self.stdout.write(f"Set-password link (works once): {settings.PROMPTLY_BASE_URL.rstrip('/')}{link}")
