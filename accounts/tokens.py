"""API tokens for scripts: stored hashed (django-rest-knox), each with an expiry, revocable by their owner."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from knox.settings import knox_settings

from accounts.models import User

MAX_EXPIRY_DAYS = 3650


class TokenRefused(ValueError):
    """The token cannot be made as asked (the message says why)."""


def create_token(*, user: User, expires_days: int | None = None) -> tuple[AuthToken, str]:
    """A new token for user, valid expires_days (the configured default when None); the token is returned once."""
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise TokenRefused(f"A token expires after 1 to {MAX_EXPIRY_DAYS} days.")
    if not user.is_active:
        raise TokenRefused(f"{user.get_username()} is deactivated.")
    expiry = timedelta(days=expires_days) if expires_days is not None else knox_settings.TOKEN_TTL
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user, expiry=expiry)
    return instance, token


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The person's tokens that still work, newest first."""
    live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    return AuthToken.objects.filter(live, user=user).order_by("-created")


@transaction.atomic
def revoke_tokens(*, user: User, token_key: str | None = None) -> int:
    """Revoke one of the person's tokens (by its visible key) or, without one, all of them; how many went."""
    tokens = AuthToken.objects.filter(user=user)
    if token_key is not None:
        tokens = tokens.filter(token_key=token_key)
    deleted, _ = tokens.delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's token check without its sweep of the person's other expired tokens on every request (a query
    each time); an expired token is refused and deleted when used, the rest when the person makes a new one."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ExpiringTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of our token check: knox's (drf-spectacular matches the exact class)."""

    target_class = "accounts.tokens.ExpiringTokenAuthentication"
