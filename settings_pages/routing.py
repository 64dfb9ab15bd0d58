"""A brand's inbox settings (round-robin, who may moderate), and discarding quarantined items."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from brands.models import Brand
from inbox.models import InboxSettings, QuarantinedItem


@transaction.atomic
def set_routing(
    *,
    brand: Brand,
    round_robin: bool,
    max_open_per_agent: int,
    eligible: Iterable[User],
    moderation_role: str = Role.AGENT,
) -> None:
    options, _ = InboxSettings.objects.get_or_create(brand=brand)
    options.round_robin = round_robin
    options.max_open_per_agent = max_open_per_agent
    options.moderation_role = Role(moderation_role)
    options.save(update_fields=["round_robin", "max_open_per_agent", "moderation_role"])
    options.eligible.set([person for person in eligible if brand.members.filter(pk=person.pk).exists()])


def discard_quarantined(*, item_id: int) -> None:
    """Set aside an item nobody can parse; kept, so polling it again does not bring it back."""
    QuarantinedItem.objects.filter(pk=item_id, discarded_at__isnull=True).update(discarded_at=timezone.now())
