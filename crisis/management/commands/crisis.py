"""`manage.py crisis backtest`: replay the spike detector over stored history or a CSV series."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from brands.models import Brand
from crisis.detection import SENSITIVITIES
from crisis.services.backtest import SeriesError, backtest_brand, backtest_series, parse_minute, read_series
from crisis.services.sensitivity import sensitivity_of


class Command(BaseCommand):
    help = "Crisis detection tools."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        backtest = actions.add_parser("backtest", help="Print one JSON object per alert the detector would raise.")
        source = backtest.add_mutually_exclusive_group(required=True)
        source.add_argument("--brand", help="Brand slug: replay its stored messages.")
        source.add_argument("--series", type=Path, help="CSV with a header minute,mentions,negative (UTC minutes).")
        backtest.add_argument("--from", dest="start", help="ISO 8601 start (with --brand).")
        backtest.add_argument("--to", dest="end", help="ISO 8601 end (with --brand).")
        backtest.add_argument("--sensitivity", choices=sorted(SENSITIVITIES), help="Default: the brand's, or normal.")

    def handle(self, *args: Any, **options: Any) -> None:
        alerts = self._series(options) if options["series"] else self._brand(options)
        for alert in alerts:
            self.stdout.write(json.dumps(alert.to_json()))

    def _series(self, options: dict[str, Any]) -> list[Any]:
        path: Path = options["series"]
        try:
            with path.open(encoding="utf-8", newline="") as rows:
                series = read_series(rows)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        except SeriesError as error:
            raise CommandError(f"{path}: {error}") from error
        return backtest_series(series, sensitivity=options["sensitivity"] or "normal")

    def _brand(self, options: dict[str, Any]) -> list[Any]:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"no brand {options['brand']!r}")
        if not options["start"] or not options["end"]:
            raise CommandError("--brand needs --from and --to")
        try:
            start, end = parse_minute(options["start"]), parse_minute(options["end"])
        except SeriesError as error:
            raise CommandError(f"--from/--to: {error}") from error
        sensitivity = options["sensitivity"] or sensitivity_of(brand.pk)
        return backtest_brand(brand_id=brand.pk, start=start, end=end, sensitivity=sensitivity)
