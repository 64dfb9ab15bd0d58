"""Admin actions other apps' admin pages offer for monitoring work (quarantine re-processing)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from monitoring.services import reprocess_quarantined


@admin.action(description="Re-process the selected quarantined items")
def reprocess(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    outcomes = [reprocess_quarantined(item_id=pk) for pk in queryset.values_list("pk", flat=True)]
    done, failed = outcomes.count(True), outcomes.count(False)
    modeladmin.message_user(request, f"{done} item(s) ingested.", messages.SUCCESS)
    if failed:
        modeladmin.message_user(
            request, f"{failed} item(s) still cannot be parsed; their reason says why.", messages.WARNING
        )
