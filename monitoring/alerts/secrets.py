"""Webhook signing keys of alert rules, encrypted at rest with a key derived from PROMPTLY_TOKEN_KEY."""

from __future__ import annotations

from monitoring.crypto import derived_fernet

_PURPOSE = b"promptly-alert-webhooks"


def encrypt_secret(value: str) -> str:
    return derived_fernet(_PURPOSE).encrypt(value.encode()).decode() if value else ""


def decrypt_secret(token: str) -> str:
    return derived_fernet(_PURPOSE).decrypt(token.encode()).decode() if token else ""


def reencrypt_secret(token: str) -> str:
    """The same secret encrypted with the current key (raises cryptography's InvalidToken when unreadable)."""
    return derived_fernet(_PURPOSE).rotate(token.encode()).decode() if token else ""
