"""What Promptly listens to: brands (and, later, their accounts, queries and alert rules)."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from accounts.models import validate_time_zone

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
    first_response_target_minutes = models.PositiveIntegerField(
        default=DEFAULT_FIRST_RESPONSE_MINUTES,
        validators=[MinValueValidator(1)],
        help_text="Time to first response the team promises (minutes).",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="brands", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_target_minutes__gte=1), name="brand_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name
