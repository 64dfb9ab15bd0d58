"""Signing in with a password, and loading the signed-in person with their role groups in the same breath."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class RoleLoadingBackend(ModelBackend):
    """Django's model backend, whose session user arrives with its groups: every role check of a request
    (the view's guard, the service's, the page's navigation) reads them once, not once a check. The groups
    are as fresh as the user row itself; websockets read both again on every event (inbox.consumers)."""

    def get_user(self, user_id: Any) -> User | None:
        user = User._default_manager.prefetch_related("groups").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
