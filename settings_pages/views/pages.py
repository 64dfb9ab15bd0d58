"""The settings home, a brand's own settings with its week grid, routing, and the quarantine."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Role
from inbox.models import InboxSettings, QuarantinedItem
from monitoring.checkins.models import Shift
from monitoring.services import reprocess_quarantined
from settings_pages.brand import DAYS, BrandSettings, parse_cells, settings_of, update_brand
from settings_pages.forms import BrandForm, RoutingForm
from settings_pages.routing import discard_quarantined, set_routing
from settings_pages.views.base import SettingsView

QUARANTINE_PAGE = 50
RAW_SHOWN = 20_000


class SettingsHomeView(SettingsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "settings_pages/home.html", self.base_context())


class BrandView(SettingsView):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        brand = self.brand(slug)
        current = settings_of(brand)
        initial = {
            **{field: getattr(current, field) for field in ("name", "audience_time_zone", "default_language")},
            "first_response_target_minutes": current.first_response_target_minutes,
            "holidays": "\n".join(day.isoformat() for day in current.holidays),
            "escalation": current.escalation,
            "escalate_to": current.escalate_to,
            "crisis_sensitivity": current.crisis_sensitivity,
        }
        return self._render(request, brand, BrandForm(initial=initial, brand=brand), current.open_hours)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        brand = self.brand(slug)
        form = BrandForm(request.POST, brand=brand)
        try:
            cells = parse_cells(request.POST.getlist("open"))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            cells = frozenset()
        if not form.is_valid():
            return self._render(request, brand, form, cells, status=400)
        data = form.cleaned_data
        values = BrandSettings(**{**data, "open_hours": cells})
        try:
            update_brand(brand=brand, values=values)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
            return self._render(request, brand, form, cells, status=400)
        messages.success(request, _("Saved %(name)s.") % {"name": values.name})
        return redirect("settings:brand", slug=slug)

    def _render(
        self, request: HttpRequest, brand: Any, form: BrandForm, cells: frozenset[tuple[int, int]], status: int = 200
    ) -> HttpResponse:
        grid = [(day, name, [(hour, (day, hour) in cells) for hour in range(24)]) for day, name in enumerate(DAYS)]
        context = self.base_context(brand=brand, form=form, grid=grid, hours=range(24))
        return render(request, "settings_pages/brand.html", context, status=status)


class RoutingView(SettingsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        brand = self.brand(request.POST.get("brand", ""))
        form = RoutingForm(request.POST, brand=brand)
        if not form.is_valid():
            return self._render(request, errors={brand.pk: form}, status=400)
        set_routing(brand=brand, **form.cleaned_data)
        messages.success(request, _("Saved routing of %(brand)s.") % {"brand": brand.name})
        return redirect("settings:routing")

    def _render(
        self, request: HttpRequest, errors: dict[int, RoutingForm] | None = None, status: int = 200
    ) -> HttpResponse:
        brands = list(self.brands())
        options = {
            row.brand_id: row for row in InboxSettings.objects.filter(brand__in=brands).prefetch_related("eligible")
        }
        sections = []
        for brand in brands:
            row = options.get(brand.pk)
            initial = {
                "round_robin": row.round_robin if row else False,
                "max_open_per_agent": row.max_open_per_agent if row else 20,
                "eligible": list(row.eligible.all()) if row else [],
                "moderation_role": row.moderation_role if row else Role.AGENT,
            }
            form = (errors or {}).get(brand.pk) or RoutingForm(initial=initial, brand=brand)
            sections.append((brand, form))
        shifts = Shift.objects.filter(brand__in=brands).select_related("brand", "user")
        context = self.base_context(sections=sections, shifts=shifts)
        return render(request, "settings_pages/routing.html", context, status=status)


class QuarantineView(SettingsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        items = QuarantinedItem.objects.filter(
            account__brand__in=self.brands(), reprocessed_at__isnull=True, discarded_at__isnull=True
        )
        before = request.GET.get("before", "")
        if before.isdigit():
            items = items.filter(pk__lt=int(before))
        page = list(items.select_related("account__brand").order_by("-pk")[: QUARANTINE_PAGE + 1])
        shown = [(item, item.raw[:RAW_SHOWN], len(item.raw) > RAW_SHOWN) for item in page[:QUARANTINE_PAGE]]
        next_before = page[QUARANTINE_PAGE - 1].pk if len(page) > QUARANTINE_PAGE else None
        context = self.base_context(items=shown, next_before=next_before)
        return render(request, "settings_pages/quarantine.html", context)


class QuarantineItemView(SettingsView):
    action = "retry"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("settings:quarantine")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(QuarantinedItem.objects.filter(account__brand__in=self.brands()), pk=pk)
        if self.action == "discard":
            discard_quarantined(item_id=item.pk)
            messages.success(request, _("Discarded the item."))
        elif reprocess_quarantined(item_id=item.pk):
            messages.success(request, _("The item was parsed and stored."))
        else:
            messages.error(request, _("The item still cannot be parsed; its reason says why."))
        return redirect("settings:quarantine")


class QuarantineDiscardView(QuarantineItemView):
    action = "discard"
