"""Setup pages for monitored queries (admins): list, add, edit, and a live preview while typing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import CreateView, ListView, UpdateView

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from brands.selectors import brands_for
from monitoring.queries.compiler_x import XCompileError, compile_x
from monitoring.queries.forms import MonitoredQueryForm
from monitoring.queries.models import MonitoredQuery
from monitoring.queries.parser import MAX_QUERY_LENGTH, QuerySyntaxError
from monitoring.queries.selectors import preview_matches


class _AdminQueries(RoleRequiredMixin):
    minimum_role = Role.ADMIN
    request: HttpRequest

    def get_queryset(self) -> QuerySet[MonitoredQuery]:
        return MonitoredQuery.objects.filter(brand__in=brands_for(self.request.user)).select_related("brand")


class QueryListView(_AdminQueries, ListView):
    template_name = "monitoring/queries/list.html"
    context_object_name = "queries"

    def get_queryset(self) -> QuerySet[MonitoredQuery]:
        return super().get_queryset().order_by("brand__name", "name")


class _QueryFormView(_AdminQueries):
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["brands"] = brands_for(self.request.user)
        return kwargs

    def get_success_url(self) -> str:
        return reverse("monitoring:queries")


class QueryCreateView(_QueryFormView, CreateView):
    form_class = MonitoredQueryForm
    template_name = "monitoring/queries/form.html"


class QueryUpdateView(_QueryFormView, UpdateView):
    form_class = MonitoredQueryForm
    template_name = "monitoring/queries/form.html"


class QueryPreviewView(RoleRequiredMixin, View):
    """htmx: what the query being typed would match among the brand's mentions of the last 7 days."""

    minimum_role = Role.ADMIN

    def post(self, request: HttpRequest) -> HttpResponse:
        brand = brands_for(request.user).filter(pk=request.POST.get("brand") or 0).first()
        if brand is None:
            raise Http404("Choose one of your brands.")
        draft = MonitoredQuery(
            brand=brand,
            query=request.POST.get("query", "")[: MAX_QUERY_LENGTH + 1],
            languages=_listed(request.POST.get("languages", "")),
            channels=_listed(request.POST.get("channels", "")),
        )
        context: dict[str, Any] = {"brand": brand}
        try:
            parsed = draft.parsed()
        except QuerySyntaxError as error:
            return render(request, "monitoring/queries/_preview.html", {"error": error, **context})
        try:
            context["searches"] = compile_x(parsed, max_length=settings.PROMPTLY_X_QUERY_MAX_LENGTH)
        except XCompileError as error:
            context["x_error"] = str(error)
        context["preview"] = preview_matches(brand=brand, query=parsed)
        return render(request, "monitoring/queries/_preview.html", context)


def _listed(value: str) -> list[str]:
    return [item.strip().lower() for item in value.split(",") if item.strip()][:10]
