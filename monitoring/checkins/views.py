"""The check-in schedule page (admins): who is on shift when, add and remove shifts, uncovered stretches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from brands.selectors import brands_for
from monitoring.checkins.forms import ShiftForm
from monitoring.checkins.models import CoverageGap, Shift

# Uncovered stretches shown: the recent ones, which are the ones a schedule change can still fix.
RECENT_GAPS = 20


class ScheduleView(RoleRequiredMixin, View):
    minimum_role = Role.ADMIN

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ShiftForm(brands=brands_for(request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ShiftForm(request.POST, brands=brands_for(request.user))
        if not form.is_valid():
            return self._render(request, form, status=400)
        shift = form.save()
        messages.success(request, f"Added {shift}.")
        return redirect("monitoring:schedule")

    def _render(self, request: HttpRequest, form: ShiftForm, status: int = 200) -> HttpResponse:
        brands = brands_for(request.user)
        context: dict[str, Any] = {
            "form": form,
            "shifts": Shift.objects.filter(brand__in=brands).select_related("brand", "user"),
            "gaps": CoverageGap.objects.filter(brand__in=brands).select_related("brand")[:RECENT_GAPS],
        }
        return render(request, "monitoring/schedule/schedule.html", context, status=status)


class ShiftDeleteView(RoleRequiredMixin, View):
    minimum_role = Role.ADMIN

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        shift = get_object_or_404(Shift.objects.filter(brand__in=brands_for(request.user)), pk=pk)
        description = str(shift)
        shift.delete()
        messages.success(request, f"Removed {description}.")
        return redirect(reverse("monitoring:schedule"))
