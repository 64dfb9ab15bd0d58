"""`manage.py brands add|list`: scripted brand set-up."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from brands.models import DEFAULT_FIRST_RESPONSE_MINUTES, Brand
from brands.services import add_brand


class Command(BaseCommand):
    help = "Add or list brands."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a brand.")
        add.add_argument("slug")
        add.add_argument("--name", required=True)
        add.add_argument("--timezone", default="UTC", help="The audience's IANA time zone.")
        add.add_argument("--target-minutes", type=int, default=DEFAULT_FIRST_RESPONSE_MINUTES)
        actions.add_parser("list", help="List brands.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "add":
            self._add(options)
        else:
            for brand in Brand.objects.order_by("slug"):
                self.stdout.write(
                    f"{brand.slug}\t{brand.name}\t{brand.audience_time_zone}\t{brand.first_response_target_minutes} min"
                )

    def _add(self, options: dict[str, Any]) -> None:
        try:
            brand = add_brand(
                slug=options["slug"],
                name=options["name"],
                time_zone=options["timezone"],
                target_minutes=options["target_minutes"],
            )
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(problems) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Added brand {brand.slug} ({brand.name}), audience in {brand.audience_time_zone}, "
                f"first response within {brand.first_response_target_minutes} min."
            )
        )
