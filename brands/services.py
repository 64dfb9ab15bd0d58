"""Changes to brands and who works on them."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from brands.models import DEFAULT_FIRST_RESPONSE_MINUTES, Brand


@transaction.atomic
def add_brand(
    *, slug: str, name: str, time_zone: str = "UTC", target_minutes: int = DEFAULT_FIRST_RESPONSE_MINUTES
) -> Brand:
    """Create a brand; raises ValidationError with a readable message for bad input."""
    brand = Brand(slug=slug, name=name, audience_time_zone=time_zone, first_response_target_minutes=target_minutes)
    brand.full_clean()
    brand.save()
    return brand


def add_member(*, brand: Brand, user: User) -> None:
    brand.members.add(user)
