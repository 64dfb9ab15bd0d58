"""How readily a brand's detector raises a storm (low, normal, high): read by the detector, set by its admins."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from crisis.models import CrisisSettings, Sensitivity


def sensitivity_of(brand_id: int) -> str:
    """The brand's sensitivity; normal until an admin chooses."""
    chosen = CrisisSettings.objects.filter(brand_id=brand_id).values_list("sensitivity", flat=True).first()
    return chosen or Sensitivity.NORMAL


def set_sensitivity(*, brand_id: int, sensitivity: str) -> None:
    """Store the brand's sensitivity; ValidationError for a value that is not one of the three.

    The caller checks that the person may change the brand's settings (an admin of the brand)."""
    if sensitivity not in Sensitivity.values:
        raise ValidationError(f"{sensitivity!r} is not a sensitivity (low, normal or high).")
    CrisisSettings.objects.update_or_create(brand_id=brand_id, defaults={"sensitivity": sensitivity})
