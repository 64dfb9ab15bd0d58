"""`GET /api/v1/sla/summary`: every dashboard figure as JSON (session or token auth, supervisors, own brands)."""

from __future__ import annotations

from dataclasses import asdict

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import RolePermission
from accounts.roles import Role
from inbox.sla.checkins import recommend_check_ins
from inbox.sla.forms import DashboardFilterForm
from inbox.sla.selectors import dashboard


class IsSupervisor(RolePermission):
    read_role = Role.SUPERVISOR
    message = "The SLA figures need the supervisor role."


class SlaSummaryView(APIView):
    permission_classes = [IsAuthenticated, IsSupervisor]

    @extend_schema(
        parameters=[
            OpenApiParameter("brand", str, description="Brand slug (default: your first brand)."),
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day, audience time zone."),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (inclusive)."),
            OpenApiParameter("channel", int, description="Channel account id."),
            OpenApiParameter("team", int, description="Team id: the clocks its members answered or are assigned."),
            OpenApiParameter("agent", int, description="User id of an agent."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        form = DashboardFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            status = 404 if "brand" in form.errors and form.brands else 400
            return Response({"errors": form.errors.get_json_data()}, status=status)
        board = dashboard(form.filters())
        filters = board.filters
        viewer_zone = getattr(request.user, "time_zone", "UTC")
        check_ins = recommend_check_ins(
            board.heatmap, audience_zone=filters.brand.audience_time_zone, viewer_zone=viewer_zone, now=board.now
        )
        return Response(
            {
                "brand": filters.brand.slug,
                "time_zone": filters.brand.audience_time_zone,
                "start": filters.start,
                "end": filters.end,
                "now": board.now,
                "summary": board.summary,
                "breaches": board.breaches,
                "backlog": board.backlog,
                "unanswered": board.unanswered,
                "agents": board.agents,
                "channels": board.channels,
                "heatmap": board.heatmap,
                "trend": board.trend,
                "check_ins": [asdict(pick) for pick in check_ins],
            }
        )


urlpatterns = [path("summary", SlaSummaryView.as_view(), name="sla-summary")]
