"""Django admin for alert rules, the alert log, and the check-in schedule."""

from __future__ import annotations

from django.contrib import admin

from monitoring.alerts.models import AlertDelivery, AlertRule
from monitoring.checkins.models import CheckInReminder, CoverageGap, Shift


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "enabled", "notify_in_app", "email_recipients", "webhook_url", "throttle_minutes")
    list_filter = ("enabled", "brand")
    filter_horizontal = ("queries",)


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    """The alert log: read-only, so it stays a record of what was sent."""

    list_display = ("created_at", "rule", "channel", "is_digest", "hit_count", "state", "attempts", "sent_at")
    list_filter = ("state", "channel", "is_digest")
    readonly_fields = [field.name for field in AlertDelivery._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "weekday", "starts_at", "ends_at")
    list_filter = ("brand", "weekday")


@admin.register(CoverageGap)
class CoverageGapAdmin(admin.ModelAdmin):
    list_display = ("brand", "first_mention_at", "last_mention_at", "mention_count")
    readonly_fields = ("brand", "first_mention_at", "last_mention_at", "mention_count")


admin.site.register(CheckInReminder)
