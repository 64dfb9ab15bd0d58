"""View guards: a signed-in user with at least a given role, else 403 (or login when anonymous)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from accounts.roles import Role, has_role


class RoleRequiredMixin(LoginRequiredMixin):
    minimum_role: Role = Role.AGENT

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not has_role(request.user, self.minimum_role):
            raise PermissionDenied(f"This page needs the {self.minimum_role.label.lower()} role.")
        return super().dispatch(request, *args, **kwargs)
