"""`manage.py export --brand SLUG`: every stored message of a brand as JSON lines on stdout."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from brands.models import Brand
from inbox.export import exported_messages


class Command(BaseCommand):
    help = "Write every stored message of a brand to stdout as JSON lines (streamed, constant memory)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--brand", required=True, help="The brand's slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            known = ", ".join(Brand.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No brand {options['brand']!r}. Brands: {known}.")
        write = self.stdout.write
        for record in exported_messages(brand=brand):
            write(json.dumps(record, ensure_ascii=False))
