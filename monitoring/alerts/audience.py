"""Who hears about a brand's listening trouble: its admins, and its supervisors while they are on shift."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from accounts.models import User
from accounts.roles import Role, role_of
from monitoring.checkins.services import on_shift


def responsible_people(*, brand_id: int, now: datetime) -> list[User]:
    """Active members who are admins, or supervisors on shift (scheduled, or started by hand)."""
    members = list(
        User.objects.filter(brands__pk=brand_id, is_active=True)
        .filter(Q(groups__name__in=[Role.ADMIN, Role.SUPERVISOR]) | Q(is_superuser=True))
        .select_related("availability")
        .prefetch_related("groups")
        .distinct()
        .order_by("pk")
    )
    scheduled = {user.pk for user in on_shift(brand_id=brand_id, when=now)}

    def started_shift(user: User) -> bool:
        availability = getattr(user, "availability", None)
        return bool(availability and availability.on_shift)

    return [user for user in members if role_of(user) == Role.ADMIN or user.pk in scheduled or started_shift(user)]
