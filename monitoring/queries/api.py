"""`/api/v1/queries/`: a brand's monitored queries for admins who script their set-up (session or token auth).

Validation is the model's own (`MonitoredQuery.clean`), so a bad query is refused with the same position
and reason as on the setup page and by `manage.py query check`. Another brand's query answers 404.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import RolePermission
from accounts.roles import Role
from brands.api import BrandSlugField
from brands.selectors import brands_for
from monitoring.queries.compiler_x import compile_x
from monitoring.queries.models import MonitoredQuery


class IsAdmin(RolePermission):
    read_role = Role.ADMIN
    message = "Monitored queries need the admin role."


class MonitoredQuerySerializer(serializers.ModelSerializer):
    brand = BrandSlugField()
    x_searches = serializers.SerializerMethodField(help_text="The query compiled to X's search syntax.")

    class Meta:
        model = MonitoredQuery
        fields = ["id", "brand", "name", "query", "languages", "channels", "enabled", "x_searches", "updated_at"]
        read_only_fields = ["id", "x_searches", "updated_at"]
        # The model's full_clean (in validate) checks uniqueness with its own, clearer message.
        validators: list[Any] = []

    def get_x_searches(self, monitored: MonitoredQuery) -> list[str]:
        return compile_x(monitored.parsed(), max_length=settings.PROMPTLY_X_QUERY_MAX_LENGTH)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A copy, so a refused change leaves the instance as it was.
        candidate = copy.copy(self.instance) if self.instance is not None else MonitoredQuery()
        for field, value in attrs.items():
            setattr(candidate, field, value)
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        return attrs


class _AdminQueries(generics.GenericAPIView[MonitoredQuery]):
    permission_classes = [IsAuthenticated, IsAdmin]
    serializer_class = MonitoredQuerySerializer

    def get_queryset(self) -> QuerySet[MonitoredQuery]:
        return (
            MonitoredQuery.objects.filter(brand__in=brands_for(self.request.user))
            .select_related("brand")
            .order_by("brand__slug", "name", "pk")
        )


class QueryListView(_AdminQueries, generics.ListCreateAPIView[MonitoredQuery]):
    """The monitored queries of your brands; POST adds one."""


class QueryDetailView(_AdminQueries, generics.RetrieveUpdateDestroyAPIView[MonitoredQuery]):
    """One monitored query: read, change (PUT / PATCH) or delete it."""


app_name = "queries_api"

urlpatterns = [
    path("", QueryListView.as_view(), name="queries"),
    path("<int:pk>/", QueryDetailView.as_view(), name="query"),
]
