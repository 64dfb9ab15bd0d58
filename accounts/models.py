"""People who use Promptly. Roles are Django groups (see accounts.roles)."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. America/Los_Angeles).")


def validate_language(value: str) -> None:
    if value and value not in dict(settings.LANGUAGES):
        known = ", ".join(code for code, _ in settings.LANGUAGES)
        raise ValidationError(f"{value!r} is not a language Promptly knows (one of {known}).")


class User(AbstractUser):
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="The person's own time zone, for shifts and times shown to them.",
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        validators=[validate_language],
        help_text="The person's interface language; empty: the browser's.",
    )
    in_training = models.BooleanField(
        default=False,
        help_text="Still learning: shown to the team, and round-robin leaves them out unless listed.",
    )
