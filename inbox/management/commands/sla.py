"""`manage.py sla set|due|show|rollups`: set a policy, preview a due time, list policies, rebuild rollups."""

from __future__ import annotations

import zoneinfo
from argparse import ArgumentParser
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from brands.models import Brand
from inbox.sla.hours import HoursError, format_shifts
from inbox.sla.models import ClockKind, SlaPolicy
from inbox.sla.policies import terms_for
from inbox.sla.rollups import LOOKBACK_DAYS, rebuild_range
from inbox.sla.services import set_policy
from monitoring.models import Platform


class Command(BaseCommand):
    help = "Set an SLA policy (sla set), preview a due time (sla due), list policies (sla show), rebuild rollups."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        setter = actions.add_parser("set", help="Create or replace a policy.")
        setter.add_argument("--brand", required=True, help="Brand slug.")
        setter.add_argument("--target-minutes", type=int, default=120, help="First-response target (minutes).")
        setter.add_argument("--next-target-minutes", type=int, help="Next-response target (default: the same).")
        setter.add_argument(
            "--hours", action="append", default=[], help='Coverage, e.g. "mon-fri 09:00-17:00"; repeat; none: 24/7.'
        )
        setter.add_argument("--holiday", action="append", default=[], help="A day off, YYYY-MM-DD; repeat.")
        setter.add_argument("--at-risk-percent", type=int, help="Share of the target after which it is at risk.")
        setter.add_argument("--automated-ack-stops-clock", action="store_true", default=None)
        self._scope(setter)
        due = actions.add_parser("due", help="Print when a response is due, ISO 8601 in the audience's time zone.")
        due.add_argument("--brand", required=True)
        due.add_argument("--received", required=True, help="2026-11-20T16:45 (audience time) or with an offset.")
        due.add_argument("--next", action="store_true", help="A next response (the customer wrote again).")
        self._scope(due)
        show = actions.add_parser("show", help="List a brand's policies.")
        show.add_argument("--brand", required=True)
        rollups = actions.add_parser("rollups", help="Rebuild the dashboard's daily rollups of a date range.")
        rollups.add_argument("--brand", required=True)
        rollups.add_argument("--start", type=date.fromisoformat, help="First day, YYYY-MM-DD (default: a month ago).")
        rollups.add_argument("--end", type=date.fromisoformat, help="Last day (default: yesterday, audience time).")

    def _scope(self, parser: ArgumentParser) -> None:
        parser.add_argument("--channel", default="", choices=["", *Platform.values], help="Only this channel.")
        parser.add_argument("--priority", type=int, help="Only this conversation priority.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            brand = Brand.objects.get(slug=options["brand"])
        except Brand.DoesNotExist:
            raise CommandError(f"No brand {options['brand']!r} (see `manage.py brands list`).") from None
        actions = {"set": self._set, "due": self._due, "show": self._show, "rollups": self._rollups}
        actions[options["action"]](brand, options)

    def _set(self, brand: Brand, options: dict[str, Any]) -> None:
        try:
            policy = set_policy(
                brand=brand,
                first_response_minutes=options["target_minutes"],
                next_response_minutes=options["next_target_minutes"],
                hours=options["hours"],
                holidays=options["holiday"],
                platform=options["channel"],
                priority=options["priority"],
                at_risk_percent=options["at_risk_percent"],
                automated_ack_stops_clock=options["automated_ack_stops_clock"],
            )
        except HoursError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(problems) from error
        self.stdout.write(self.style.SUCCESS(f"Set {describe(policy, brand)}"))

    def _due(self, brand: Brand, options: dict[str, Any]) -> None:
        zone = zoneinfo.ZoneInfo(brand.audience_time_zone)
        try:
            received = datetime.fromisoformat(options["received"])
        except ValueError:
            raise CommandError(
                f"--received {options['received']!r} is not an ISO 8601 time (e.g. 2026-11-20T16:45 or "
                "2026-11-20T16:45-08:00)."
            ) from None
        if received.tzinfo is None:
            received = received.replace(tzinfo=zone)
        terms = terms_for(brand, platform=options["channel"], priority=options["priority"] or 0)
        kind = ClockKind.NEXT if options["next"] else ClockKind.FIRST
        self.stdout.write(terms.due(received, kind).astimezone(zone).isoformat())

    def _show(self, brand: Brand, options: dict[str, Any]) -> None:
        policies = SlaPolicy.objects.filter(brand=brand).order_by("platform", "priority")
        if not policies:
            self.stdout.write(
                f"{brand.slug} has no SLA policy: first response within {brand.first_response_target_minutes} min, "
                "around the clock."
            )
        for policy in policies:
            self.stdout.write(describe(policy, brand))

    def _rollups(self, brand: Brand, options: dict[str, Any]) -> None:
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(brand.audience_time_zone)).date()
        end = options["end"] or today - timedelta(days=1)
        start = options["start"] or end - timedelta(days=LOOKBACK_DAYS - 1)
        if start > end:
            raise CommandError("--start is after --end.")
        rebuilt = rebuild_range(brand=brand, start=start, end=end)
        skipped = (end - start).days + 1 - len(rebuilt)
        note = f" ({skipped} not complete yet, read live)" if skipped else ""
        self.stdout.write(f"Rolled up {len(rebuilt)} days of {brand.slug} from {start} to {end}{note}.")


def describe(policy: SlaPolicy, brand: Brand) -> str:
    hours = "; ".join(format_shifts(policy.shift_list)) or "24/7"
    holidays = ", ".join(day.isoformat() for day in policy.holidays) or "none"
    return (
        f"SLA policy of {brand.slug} ({policy.scope_label}): first response {policy.first_response_minutes} min, "
        f"next response {policy.next_response_minutes} min, hours {hours} ({brand.audience_time_zone}), "
        f"holidays {holidays}, at risk at {policy.at_risk_percent}%, automated acknowledgements "
        f"{'stop' if policy.automated_ack_stops_clock else 'do not stop'} the clock."
    )
