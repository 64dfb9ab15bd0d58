"""View and API guards: a signed-in user with at least a given role, else 403 (or login when anonymous)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.roles import Role, has_role


class RoleRequiredMixin(LoginRequiredMixin):
    minimum_role: Role = Role.AGENT

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_role(request.user, self.minimum_role):
            raise PermissionDenied(f"This page needs the {self.minimum_role.label.lower()} role.")
        return super().dispatch(request, *args, **kwargs)


class RolePermission(BasePermission):
    """The API's counterpart of RoleRequiredMixin: reading needs `read_role`; changing needs `write_role`
    (the same role when unset). Subclasses set the roles and the refusal's words."""

    read_role: Role = Role.AGENT
    write_role: Role | None = None

    def has_permission(self, request: Request, view: Any) -> bool:
        needed = self.read_role
        if self.write_role is not None and request.method not in SAFE_METHODS:
            needed = self.write_role
        return has_role(request.user, needed)
