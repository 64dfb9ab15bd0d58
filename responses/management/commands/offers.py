"""`manage.py offers add|list`: pre-approved offers and their codes from the command line."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from brands.models import Brand
from responses.models import Offer
from responses.offers import CodeSource, add_offer, codes_left, limits_line, read_codes_csv


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = "Add or list a brand's pre-approved offers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add an offer with its codes (nothing is stored on any error).")
        add.add_argument("--brand", required=True, help="The brand's slug.")
        add.add_argument("--name", required=True)
        add.add_argument("--gives", default="", help="What the customer gets, e.g. '20%% off a bag'.")
        codes = add.add_mutually_exclusive_group(required=True)
        codes.add_argument("--codes-file", type=Path, help="A CSV with a `code` column: single-use codes.")
        codes.add_argument("--generate", type=_positive, metavar="N", help="Generate N single-use codes.")
        codes.add_argument("--shared-code", default="", help="One code everybody gets.")
        add.add_argument("--prefix", default="", help="Prefix of generated codes, e.g. SORRY-.")
        add.add_argument("--per-agent-daily", type=_positive, metavar="N")
        add.add_argument("--per-customer", type=_positive, metavar="N")
        add.add_argument("--per-customer-days", type=_positive, default=30, metavar="DAYS")
        add.add_argument("--budget", type=_positive, metavar="N", help="How many times it may be given in all.")
        add.add_argument("--expires", type=datetime.date.fromisoformat, metavar="YYYY-MM-DD")
        listing = actions.add_parser("list", help="List a brand's offers with the codes left and their limits.")
        listing.add_argument("--brand", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand with the slug {options['brand']!r} (see `manage.py brands list`).")
        if options["action"] == "add":
            self._add(brand, options)
        else:
            self._list(brand)

    def _add(self, brand: Brand, options: dict[str, Any]) -> None:
        try:
            source = self._source(options)
            offer = add_offer(
                brand=brand,
                name=options["name"],
                gives=options["gives"],
                source=source,
                per_agent_daily=options["per_agent_daily"],
                per_customer=options["per_customer"],
                per_customer_window_days=options["per_customer_days"],
                budget=options["budget"],
                expires_on=options["expires"],
            )
        except ValidationError as error:
            raise CommandError(_readable(error)) from error
        left = codes_left(offer)
        what = "a shared code" if left is None else f"{left} single-use codes"
        self.stdout.write(self.style.SUCCESS(f"Added offer {offer.name!r} to {brand.slug} with {what}."))

    def _source(self, options: dict[str, Any]) -> CodeSource:
        if options["codes_file"] is not None:
            try:
                text = options["codes_file"].read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['codes_file']}: {error}") from error
            return CodeSource(codes=read_codes_csv(text))
        if options["generate"] is not None:
            return CodeSource(generate=options["generate"], prefix=options["prefix"])
        return CodeSource(shared_code=options["shared_code"])

    def _list(self, brand: Brand) -> None:
        for offer in Offer.objects.filter(brand=brand).order_by("name"):
            left = codes_left(offer)
            self.stdout.write("\t".join([offer.name, _codes(left), limits_line(offer)]))


def _codes(left: int | None) -> str:
    return "shared code" if left is None else f"{left} codes left"


def _readable(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
