"""The supervisor's SLA dashboard page: filters, figures, charts, CSV of every table, live refresh by htmx."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views import View

from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from inbox.sla import charts, glance
from inbox.sla.checkins import recommend_check_ins
from inbox.sla.export import TABLES, table_rows, to_csv
from inbox.sla.forms import DashboardFilterForm
from inbox.sla.selectors import dashboard

REFRESH_SECONDS = 30


class DashboardView(RoleRequiredMixin, View):
    minimum_role = Role.SUPERVISOR

    def get(self, request: HttpRequest) -> HttpResponse:
        form = DashboardFilterForm(request.GET, user=request.user)
        if not form.is_valid():
            return render(request, "inbox/sla/dashboard.html", {"form": form}, status=400 if form.brands else 200)
        board = dashboard(form.filters())
        export = request.GET.get("export")
        if export:
            return self._csv(form, board, export)
        viewer_zone = getattr(request.user, "time_zone", "UTC")
        context: dict[str, Any] = {
            "form": form,
            "board": board,
            "brand": form.selected_brand,
            "viewer_zone": viewer_zone,
            "refresh_seconds": REFRESH_SECONDS,
            "tables": TABLES,
            "glance": glance.judge(board.summary, target_minutes=board.filters.brand.first_response_target_minutes),
            "goal_share": glance.GOAL_SHARE,
            "trend_chart": charts.trend_chart(board.trend, goal_share=glance.GOAL_SHARE),
            "heatmap_chart": charts.heatmap_chart(board.heatmap),
            "backlog_chart": charts.bar_chart(board.backlog, label="band", value="count"),
            "check_ins": recommend_check_ins(
                board.heatmap,
                audience_zone=board.filters.brand.audience_time_zone,
                viewer_zone=viewer_zone,
                now=board.now,
            ),
            "query": request.GET.urlencode(),
        }
        template = "inbox/sla/_figures.html" if getattr(request, "htmx", False) else "inbox/sla/dashboard.html"
        return render(request, template, context)

    def _csv(self, form: DashboardFilterForm, board: Any, table: str) -> HttpResponse:
        if table not in TABLES:
            return HttpResponseBadRequest(f"Unknown table; choose one of {', '.join(TABLES)}.")
        filters = form.filters()
        name = f"sla-{filters.brand.slug}-{table}-{filters.start}-{filters.end}.csv"
        response = HttpResponse(to_csv(table_rows(board, table)), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
