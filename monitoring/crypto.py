"""Platform tokens encrypted at rest (Fernet), and masked whenever they are shown."""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MASK = "••••"


class CredentialsUnreadable(Exception):
    """The stored credentials were encrypted with another key (PROMPTLY_TOKEN_KEY changed)."""


def derived_fernet(purpose: bytes) -> Fernet:
    """A Fernet key of its own for each purpose, derived from PROMPTLY_TOKEN_KEY (or the secret key)."""
    secret = (settings.PROMPTLY_TOKEN_KEY or settings.SECRET_KEY).encode()
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)
    return Fernet(base64.urlsafe_b64encode(derived))


def _fernet() -> Fernet:
    try:
        return Fernet(settings.PROMPTLY_TOKEN_KEY.encode())
    except ValueError:
        # Not a Fernet key itself: derive one, so any passphrase (or the secret key) works.
        return derived_fernet(b"promptly-platform-tokens")


def encrypt_credentials(values: dict[str, str]) -> str:
    present = {name: value for name, value in values.items() if value}
    if not present:
        return ""
    return _fernet().encrypt(json.dumps(present, sort_keys=True).encode()).decode()


def decrypt_credentials(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        values: dict[str, str] = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise CredentialsUnreadable("stored tokens cannot be decrypted with the current PROMPTLY_TOKEN_KEY") from error
    return values


def mask(value: str) -> str:
    """Enough of a token to recognise it, never enough to use it."""
    if len(value) < 12:
        return MASK
    return f"{MASK}{value[-4:]}"
