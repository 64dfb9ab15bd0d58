"""Who is calling the sandbox X API: app-only bearer token or OAuth 1.0a user context, and the rate-limit window."""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from sandbox.models import XUser

WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class XCaller:
    account: XUser
    user_context: bool  # OAuth 1.0a on behalf of the account; False: app-only bearer token
    token: str


def _oauth_params(header: str) -> dict[str, str]:
    params = {}
    for part in header.removeprefix("OAuth ").split(","):
        key, _, value = part.strip().partition("=")
        params[key] = urllib.parse.unquote(value.strip('"'))
    return params


def authenticate(request: HttpRequest) -> XCaller | None:
    """The caller, when its credentials belong to a sandbox account.

    OAuth 1.0a signatures are not verified: the client may have signed the real platform's URL
    before its session was routed here, so a known consumer key with its access token is enough.
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
        account = XUser.objects.filter(bearer_token=token).first() if token else None
        return XCaller(account, user_context=False, token=token) if account else None
    if header.startswith("OAuth "):
        params = _oauth_params(header)
        key, token = params.get("oauth_consumer_key", ""), params.get("oauth_token", "")
        account = XUser.objects.filter(consumer_key=key, access_token=token).first() if key and token else None
        return XCaller(account, user_context=True, token=token) if account else None
    return None


def rate_key(request: HttpRequest) -> str:
    """Whose window a request counts against: its bearer token or OAuth access token."""
    header = request.headers.get("Authorization", "")
    if header.startswith("OAuth "):
        return _oauth_params(header).get("oauth_token", "")
    return header.removeprefix("Bearer ").strip()


def add_rate_limit_headers(response: HttpResponse, *, token: str, endpoint: str, limit: int) -> HttpResponse:
    """X's x-rate-limit-* headers for a 15-minute window per token and endpoint (counted, not enforced)."""
    window = int(time.time()) // WINDOW_SECONDS
    key = f"sandbox:x-rate:{token}:{endpoint}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    used = cache.incr(key)
    response["x-rate-limit-limit"] = str(limit)
    response["x-rate-limit-remaining"] = str(max(limit - used, 0))
    response["x-rate-limit-reset"] = str((window + 1) * WINDOW_SECONDS)
    return response
