"""A brand's own settings: name, audience time zone, language, first-response target, hours, escalation,
and how readily the crisis detector raises a storm.

Business hours are the brand's default SLA policy (every channel, every priority); the week grid of the
brand page edits them in whole hours, and an empty grid means around the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from brands.models import Brand
from crisis.services.sensitivity import sensitivity_of, set_sensitivity
from inbox.sla.clock import Shift
from inbox.sla.hours import format_shifts
from inbox.sla.models import SlaPolicy
from inbox.sla.services import set_policy

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class BrandSettings:
    name: str
    audience_time_zone: str
    default_language: str
    first_response_target_minutes: int
    open_hours: frozenset[tuple[int, int]]  # (weekday, hour) cells of the week grid
    holidays: list[date]
    escalation: str
    escalate_to: User | None
    crisis_sensitivity: str


def default_policy(brand: Brand) -> SlaPolicy | None:
    return SlaPolicy.objects.filter(brand=brand, platform="", priority=None).first()


def grid_cells(shifts: Iterable[Shift]) -> frozenset[tuple[int, int]]:
    """The week-grid cells (weekday, hour) a policy's shifts touch; a shift past midnight spills over."""
    cells = set()
    for shift in shifts:
        end = shift.end_minute if shift.end_minute > shift.start_minute else shift.end_minute + 24 * 60
        for minute in range(shift.start_minute - shift.start_minute % 60, end, 60):
            cells.add(((shift.weekday + minute // (24 * 60)) % 7, (minute // 60) % 24))
    return frozenset(cells)


def cells_to_shifts(cells: Iterable[tuple[int, int]]) -> list[Shift]:
    """Runs of consecutive open hours of each day, as shifts (a run to midnight ends at 24:00)."""
    shifts = []
    for day in range(7):
        hours = sorted(hour for weekday, hour in cells if weekday == day)
        start = previous = None
        for hour in [*hours, None]:
            if hour is not None and previous is not None and hour == previous + 1:
                previous = hour
                continue
            if start is not None and previous is not None:
                shifts.append(Shift(day, start * 60, (previous + 1) * 60))
            start = previous = hour
    return shifts


def parse_cells(values: Iterable[str]) -> frozenset[tuple[int, int]]:
    """The grid's ticked boxes ("day-hour"); anything else is refused."""
    cells = set()
    for value in values:
        day, _, hour = value.partition("-")
        if not (day.isdigit() and hour.isdigit() and int(day) < 7 and int(hour) < 24):
            raise ValidationError(f"{value!r} is not a cell of the week grid.")
        cells.add((int(day), int(hour)))
    return frozenset(cells)


def settings_of(brand: Brand) -> BrandSettings:
    policy = default_policy(brand)
    return BrandSettings(
        name=brand.name,
        audience_time_zone=brand.audience_time_zone,
        default_language=brand.default_language,
        first_response_target_minutes=brand.first_response_target_minutes,
        open_hours=grid_cells(policy.shift_list) if policy else frozenset(),
        holidays=list(policy.holidays) if policy else [],
        escalation=policy.escalation if policy else "none",
        escalate_to=policy.escalate_to if policy else None,
        crisis_sensitivity=sensitivity_of(brand.pk),
    )


@transaction.atomic
def update_brand(*, brand: Brand, values: BrandSettings) -> Brand:
    """Save the brand and its default policy together; ValidationError says what is wrong."""
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    brand.name = values.name
    brand.audience_time_zone = values.audience_time_zone
    brand.default_language = values.default_language
    brand.first_response_target_minutes = values.first_response_target_minutes
    brand.full_clean()
    brand.save(update_fields=["name", "audience_time_zone", "default_language", "first_response_target_minutes"])
    if values.escalate_to is not None and not brand.members.filter(pk=values.escalate_to.pk).exists():
        raise ValidationError("Escalation goes to a member of the brand.")
    existing = default_policy(brand)
    policy = set_policy(
        brand=brand,
        first_response_minutes=values.first_response_target_minutes,
        next_response_minutes=existing.next_response_minutes if existing else None,
        hours=format_shifts(cells_to_shifts(values.open_hours)),
        holidays=[day.isoformat() for day in values.holidays],
    )
    policy.escalation = values.escalation
    policy.escalate_to = values.escalate_to
    policy.full_clean(validate_unique=False)
    policy.save(update_fields=["escalation", "escalate_to", "updated_at"])
    set_sensitivity(brand_id=brand.pk, sensitivity=values.crisis_sensitivity)
    return brand
