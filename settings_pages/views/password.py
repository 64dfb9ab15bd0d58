"""The one-time link of an invitation (or a reactivation): choose a password, then straight to the inbox."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class SetPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "registration/set_password.html"
    post_reset_login = True
    # The link itself proved who they are: sign in with the plain backend (the throttled one wants a request).
    post_reset_login_backend = "accounts.backends.RoleLoadingBackend"
    success_url = reverse_lazy("inbox:queue")
