"""`manage.py poll [--once]`: poll every enabled account and say what was ingested per account and stream."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from monitoring.models import ChannelAccount
from monitoring.services import StreamReport, poll_account


class Command(BaseCommand):
    help = "Poll every enabled account once (--once), or keep polling at each account's interval."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Poll each enabled account one time and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not ChannelAccount.objects.filter(enabled=True).exists() and options["once"]:
            self.stdout.write("No enabled accounts to poll; connect one with `manage.py accounts add`.")
            return
        next_poll: dict[int, float] = {}
        self._poll_due(next_poll)
        while not options["once"]:
            time.sleep(1)
            self._poll_due(next_poll)

    def _poll_due(self, next_poll: dict[int, float]) -> None:
        """Poll the accounts whose interval has passed since their last poll here."""
        now = time.monotonic()
        for account in ChannelAccount.objects.filter(enabled=True).select_related("brand").order_by("pk"):
            if next_poll.get(account.pk, 0.0) > now:
                continue
            next_poll[account.pk] = now + account.poll_interval_seconds
            reports = poll_account(account.pk)
            account.refresh_from_db(fields=["failing_reason"])
            if account.failing_reason:
                self.stderr.write(f"{account.brand.slug}\t{account}\tfailing: {account.failing_reason}")
                continue
            for report in reports:
                self.stdout.write(f"{account.brand.slug}\t{account}\t{_describe(report)}")


def _describe(report: StreamReport) -> str:
    line = (
        f"{report.stream}: fetched {report.fetched}, stored {report.stored}, "
        f"duplicates {report.duplicates}, quarantined {report.quarantined}"
    )
    if report.paused_until:
        line += f"; paused until {report.paused_until:%Y-%m-%d %H:%M:%S} UTC"
    if report.error:
        line += f" ({report.error})"
    return line
