"""Calling the inbox API as a person would: with a token, or with the browser's session."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.models import User
from accounts.tokens import create_token

API = "/api/v1/conversations/"


class TokenClient:
    """A test client that sends `Authorization: Token …` with every request, as a script would."""

    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Token {create_token(user=user)[1]}"}

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.client.get(path, params or {}, headers=self.headers, **extra)

    def post(self, path: str, data: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, data or {}, content_type="application/json", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)


def conversation_url(conversation_id: int, action: str = "") -> str:
    return f"{API}{conversation_id}/" + (f"{action}/" if action else "")
