"""The SLA dashboard page (supervisors)."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from monitoring.selectors import brands_for


class DashboardView(RoleRequiredMixin, TemplateView):
    minimum_role = Role.SUPERVISOR
    template_name = "inbox/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["brands"] = list(brands_for(self.request.user))
        return context
