"""Django admin for monitored queries: the model's validation reports a bad query's position and reason."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from monitoring.queries.models import MonitoredQuery


@admin.register(MonitoredQuery)
class MonitoredQueryAdmin(admin.ModelAdmin):
    list_display = ("name", "brand", "query", "enabled", "updated_at")
    list_filter = ("enabled", "brand")
    search_fields = ("name", "query")
    readonly_fields = ("live_preview",)

    @admin.display(description="Live preview")
    def live_preview(self, obj: MonitoredQuery) -> str:
        if obj.pk is None:
            return format_html('<a href="{}">Add it with a live preview</a>', reverse("monitoring:query-add"))
        return format_html(
            '<a href="{}">Edit it with a live preview</a>', reverse("monitoring:query-edit", args=[obj.pk])
        )
