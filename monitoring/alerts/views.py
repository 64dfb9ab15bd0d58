"""Setup pages for alert rules (admins): the rules with their latest deliveries, add and edit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.views.generic import CreateView, ListView, UpdateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from brands.selectors import brands_for
from monitoring.alerts.forms import AlertRuleForm
from monitoring.alerts.models import AlertDelivery, AlertRule

# The alert log shown under the rules: enough to see what went out and what failed lately.
RECENT_DELIVERIES = 50


class _AdminAlertRules(RoleRequiredMixin):
    minimum_role = Role.ADMIN
    request: HttpRequest

    def get_queryset(self) -> QuerySet[AlertRule]:
        return AlertRule.objects.filter(brand__in=brands_for(self.request.user)).select_related("brand")


class AlertRuleListView(_AdminAlertRules, ListView):
    template_name = "monitoring/alerts/list.html"
    context_object_name = "rules"

    def get_queryset(self) -> QuerySet[AlertRule]:
        return super().get_queryset().prefetch_related("queries").order_by("brand__name", "name")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["deliveries"] = (
            AlertDelivery.objects.filter(rule__brand__in=brands_for(self.request.user))
            .select_related("rule__brand")
            .order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
        )
        return context


class _AlertRuleFormView(_AdminAlertRules):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["brands"] = brands_for(self.request.user)
        return kwargs

    def get_success_url(self) -> str:
        return reverse("monitoring:alerts")


class AlertRuleCreateView(_AlertRuleFormView, CreateView):
    form_class = AlertRuleForm
    template_name = "monitoring/alerts/form.html"


class AlertRuleUpdateView(_AlertRuleFormView, UpdateView):
    form_class = AlertRuleForm
    template_name = "monitoring/alerts/form.html"
