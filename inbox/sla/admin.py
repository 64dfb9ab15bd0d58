"""SLA policies in the Django admin, with a live preview of due times beside the form."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from brands.models import Brand
from inbox.sla.clock import Coverage, Shift, due_at
from inbox.sla.forms import SlaPolicyForm
from inbox.sla.models import SlaPolicy

PREVIEW_SAMPLES = (
    ("Now", None),
    ("Friday 16:45", (4, time(16, 45))),
    ("Saturday 10:00", (5, time(10))),
    ("Monday 08:00", (0, time(8))),
    ("Monday 12:00", (0, time(12))),
)


def preview_rows(coverage: Coverage, target_minutes: int, *, now: datetime) -> list[dict[str, str]]:
    """Due times of a few telling moments (the coming ones) under the hours being edited."""
    zone = ZoneInfo(coverage.time_zone)
    local_now = now.astimezone(zone)
    rows = []
    for label, when in PREVIEW_SAMPLES:
        if when is None:
            received = local_now
        else:
            weekday, clock = when
            day = local_now.date() + timedelta(days=(weekday - local_now.weekday()) % 7)
            received = datetime.combine(day, clock, tzinfo=zone)
        due = due_at(received, target_minutes, coverage).astimezone(zone)
        rows.append({"label": label, "received": f"{received:%a %d %b %H:%M}", "due": f"{due:%a %d %b %H:%M %Z}"})
    return rows


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
    change_form_template = "admin/inbox/slapolicy/change_form.html"
    list_display = ("brand", "scope_label", "first_response_minutes", "next_response_minutes", "at_risk_percent")
    list_filter = ("brand",)
    raw_id_fields = ("escalate_to",)

    def get_urls(self) -> list[URLPattern]:
        preview = path("preview/", self.admin_site.admin_view(self.preview_view), name="inbox_slapolicy_preview")
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The form's current values (not saved) turned into due times, or what is wrong with them."""
        form = SlaPolicyForm(request.POST or None)
        form.is_valid()
        data = form.cleaned_data
        brand: Brand | None = data.get("brand")
        problems = [
            str(e) for field in ("hours", "holiday_dates", "first_response_minutes") for e in form.errors.get(field, [])
        ]
        if brand is None or problems or not data.get("first_response_minutes"):
            return render(request, "admin/inbox/slapolicy/_preview.html", {"problems": problems or ["Choose a brand."]})
        coverage = Coverage(
            brand.audience_time_zone, tuple(Shift(*row) for row in data["hours"]), frozenset(data["holiday_dates"])
        )
        rows = preview_rows(coverage, data["first_response_minutes"], now=timezone.now())
        context = {"rows": rows, "zone": brand.audience_time_zone, "target": data["first_response_minutes"]}
        return render(request, "admin/inbox/slapolicy/_preview.html", context)
