"""What every settings page shares: supervisors read, admins change, and only within their brands."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views import View

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role, has_role
from brands.models import Brand
from brands.selectors import brands_for

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SettingsView(RoleRequiredMixin, View):
    """GET for supervisors and admins (supervisors see the page read-only); anything else for admins."""

    minimum_role = Role.SUPERVISOR
    change_role = Role.ADMIN

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        changing = request.method not in SAFE_METHODS
        if request.user.is_authenticated and changing and not has_role(request.user, self.change_role):
            raise PermissionDenied(f"Changing settings needs the {self.change_role.label.lower()} role.")
        return super().dispatch(request, *args, **kwargs)

    @property
    def user(self) -> User:
        return cast(User, self.request.user)

    def brands(self) -> QuerySet[Brand]:
        return brands_for(self.user)

    def brand(self, slug: str) -> Brand:
        return get_object_or_404(self.brands(), slug=slug)

    def can_change(self) -> bool:
        return has_role(self.user, self.change_role)

    def base_context(self, **extra: Any) -> dict[str, Any]:
        return {"can_change": self.can_change(), "brands": self.brands(), **extra}
