"""Puts the signed-in user's role into every template, for the navigation."""

from typing import Any

from django.http import HttpRequest

from accounts.roles import RANK, role_of


def role(request: HttpRequest) -> dict[str, Any]:
    current = role_of(request.user)
    rank = RANK[current] if current else 0
    return {"user_role": current, "is_supervisor": rank >= 2, "is_admin": rank >= 3}
