"""`manage.py rethread --brand SLUG`: move a brand's stored messages to one conversation per customer and place."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from brands.models import Brand
from inbox.services.rethread import AccountRethread, rethread_brand
from monitoring.models import ChannelAccount


class Command(BaseCommand):
    help = (
        "Split conversations that hold several customers (one per customer and place), rebuild their clocks "
        "and the dashboard's rollups. Safe to run again: a second run moves nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--brand", required=True, help="Brand slug.")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand {options['brand']!r} (see `manage.py brands list`).")
        totals = AccountRethread(account_id=0)

        def progress(account: ChannelAccount, done: AccountRethread) -> None:
            totals.messages += done.messages
            totals.moved += done.moved
            totals.created += done.created
            totals.rebuilt += done.rebuilt
            self.stdout.write(
                f"{account.platform} {account.handle or account.external_id}: {done.messages} messages, "
                f"{done.moved} moved, {done.created} conversations added, {done.rebuilt} rebuilt"
            )

        rethread_brand(brand.pk, progress=progress)
        if totals.rebuilt:
            # The clocks replayed may end on any day of the lookback: its rollups are rebuilt as `sla rollups` does.
            call_command("sla", "rollups", "--brand", brand.slug, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"{brand.slug}: {totals.moved} of {totals.messages} messages moved, "
                f"{totals.created} conversations added, {totals.rebuilt} rebuilt"
            )
        )
