"""The person's own things: API tokens (see which exist, make one shown once, revoke any) and interface language."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.views import LoginView, LogoutView
from rest_framework import serializers, status
from rest_framework.authentication import BasicAuthentication
from rest_framework.response import Response

from accounts.login_throttle import lockout_message
from accounts.models import User
from accounts.tokens import ExpiringTokenAuthentication, TokenRefused, create_token, revoke_tokens, tokens_of


class TokensView(LoginRequiredMixin, View):
    template_name = "accounts/tokens.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, new_token="")

    def post(self, request: HttpRequest) -> HttpResponse:
        user = cast(User, request.user)
        if request.POST.get("action") == "create":
            days = request.POST.get("expires_days", "")
            try:
                _token_row, token = create_token(user=user, expires_days=int(days) if days.isdigit() else None)
            except TokenRefused as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(reverse("api-tokens"))
            return self._page(request, new_token=token)
        key = request.POST.get("token_key") or None
        revoked = revoke_tokens(user=user, token_key=key) if key or request.POST.get("action") == "revoke_all" else 0
        messages.info(request, _("Revoked %(count)d token(s).") % {"count": revoked})
        return HttpResponseRedirect(reverse("api-tokens"))

    def _page(self, request: HttpRequest, *, new_token: str) -> HttpResponse:
        tokens = list(tokens_of(cast(User, request.user)))
        return render(request, self.template_name, {"tokens": tokens, "new_token": new_token})


@extend_schema(
    request=None,
    responses=inline_serializer("NewToken", {"expiry": serializers.DateTimeField(), "token": serializers.CharField()}),
)
class TokenLoginView(LoginView):
    """POST with HTTP Basic credentials: a new token (`{"expiry", "token"}`); failed attempts count toward the
    sign-in lockout, and the endpoint has its own, lower rate."""

    authentication_classes = [BasicAuthentication]
    throttle_scope = "token"

    def handle_exception(self, exc: Exception) -> Response:
        # django-axes marks the request it was given, which here is DRF's, not the one its middleware sees.
        if getattr(self.request, "axes_locked_out", False):
            return Response({"detail": lockout_message()}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        return super().handle_exception(exc)


@extend_schema(request=None, responses={204: None})
class TokenLogoutView(LogoutView):
    """POST with a token: that token is revoked."""

    authentication_classes = [ExpiringTokenAuthentication]


class LanguageView(LoginRequiredMixin, View):
    """POST /accounts/language/ language=es|…|"" (the browser's): the person's own interface language."""

    def post(self, request: HttpRequest) -> HttpResponse:
        user = cast(User, request.user)
        chosen = request.POST.get("language", "")
        if chosen and chosen not in dict(settings.LANGUAGES):
            return HttpResponse(status=400)
        user.language = chosen
        user.save(update_fields=["language"])
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("home")
        return HttpResponseRedirect(back)
