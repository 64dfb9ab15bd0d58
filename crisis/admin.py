"""Django admin for crisis settings (sensitivity per brand), and the spikes and incidents as a record."""

from __future__ import annotations

from django.contrib import admin

from crisis.models import CrisisSettings, Incident, Spike


@admin.register(CrisisSettings)
class CrisisSettingsAdmin(admin.ModelAdmin):
    list_display = ("brand", "sensitivity")


@admin.register(Spike)
class SpikeAdmin(admin.ModelAdmin):
    """What the detector saw: read-only."""

    list_display = ("detected_at", "brand", "kind", "observed", "expected", "peak_observed", "updates", "ended_at")
    list_filter = ("kind", "brand")
    readonly_fields = [field.name for field in Spike._meta.fields]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "brand", "title", "status", "severity")
    list_filter = ("status", "severity", "brand")
    readonly_fields = ("spike", "playbook_version", "declared_by", "declared_at", "closed_at")
