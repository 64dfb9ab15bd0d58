"""Admin pages for what is listened to."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.views.generic import TemplateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from brands.selectors import brands_for


class SetupView(RoleRequiredMixin, TemplateView):
    minimum_role = Role.ADMIN
    template_name = "monitoring/setup.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["brands"] = brands_for(self.request.user).annotate(member_count=Count("members"))
        return context
