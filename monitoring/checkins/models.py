"""The check-in schedule: who is on shift when, reminders sent, and stretches nobody covered."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Shift(models.Model):
    """A weekly shift, in the person's own time zone (accounts.User.time_zone); may cross midnight."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="shifts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, help_text="The day the shift starts.")
    starts_at = models.TimeField(help_text="Local time of the person on shift.")
    ends_at = models.TimeField(help_text="Earlier than the start: the shift ends the next day.")

    class Meta:
        ordering = ["brand", "weekday", "starts_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at == self.ends_at:
            raise ValidationError({"ends_at": "A shift needs a length: start and end differ."})


class CheckInReminder(models.Model):
    """A reminder sent to one person for one recommended check-in time; unique, so sent once."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="check_in_reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_in_reminders")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user", "due_at"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.user} check-in {self.due_at:%Y-%m-%d %H:%M}"


class CoverageGap(models.Model):
    """Mentions arrived while nobody was on shift: one row per uncovered stretch, grown as more arrive."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="coverage_gaps")
    first_mention_at = models.DateTimeField()
    last_mention_at = models.DateTimeField()
    mention_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-first_mention_at"]

    def __str__(self) -> str:
        return f"{self.brand}: {self.mention_count} mentions uncovered from {self.first_mention_at:%Y-%m-%d %H:%M}"
