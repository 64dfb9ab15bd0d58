"""Brands, the people who work on each and their teams: the scope of everything else."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from accounts.models import validate_language, validate_time_zone

DEFAULT_FIRST_RESPONSE_MINUTES = 120


class Brand(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=50,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and hyphens.")],
    )
    audience_time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Where the brand's audience lives: hours, reports and check-in times use it.",
    )
    default_language = models.CharField(
        max_length=8,
        default="en",
        validators=[validate_language],
        help_text="The language the brand answers in unless a person writes in another.",
    )
    first_response_target_minutes = models.PositiveIntegerField(
        default=DEFAULT_FIRST_RESPONSE_MINUTES,
        validators=[MinValueValidator(1)],
        help_text="Time to first response the team promises (minutes).",
    )
    review_target_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Items nobody can answer where they were found (alert-feed articles, webhook sources) are to "
        "review within this many minutes; empty: no target. They never run the first-response clock.",
    )
    # Tables keep the names they had in the monitoring app (brands migration 0001).
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="brands", blank=True, db_table="monitoring_brand_members"
    )
    # Set by PostgreSQL from a sequence whenever the brand or its settings change (brands.settings_cache).
    settings_version = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "monitoring_brand"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_target_minutes__gte=1), name="brand_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A group of people of one brand a conversation can be assigned to (e.g. "Billing", "Night shift")."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=80)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, db_table="inbox_team_members"
    )

    class Meta:
        db_table = "inbox_team"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="team_unique_per_brand")]

    def __str__(self) -> str:
        return self.name
