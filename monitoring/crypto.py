"""Platform tokens encrypted at rest (Fernet), and masked whenever they are shown."""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MASK = "••••"
UNREADABLE = "stored tokens cannot be decrypted with the current PROMPTLY_TOKEN_KEY"


class CredentialsUnreadable(Exception):
    """The stored credentials were encrypted with another key (PROMPTLY_TOKEN_KEY changed)."""


def _key_materials() -> list[str]:
    """PROMPTLY_TOKEN_KEY (or the secret key) first, then old keys still read while `rotate-token-key` runs."""
    current = settings.PROMPTLY_TOKEN_KEY or settings.SECRET_KEY
    return [current, *(key for key in settings.PROMPTLY_TOKEN_KEY_OLD if key and key != current)]


def _derive(material: str, purpose: bytes) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def derived_fernet(purpose: bytes) -> MultiFernet:
    """A key of its own for each purpose, derived from each key: encrypts with the current, reads with any."""
    return MultiFernet([_derive(material, purpose) for material in _key_materials()])


def _platform_fernet(material: str) -> Fernet:
    try:
        return Fernet(material.encode())
    except ValueError:
        # Not a Fernet key itself: derive one, so any passphrase (or the secret key) works.
        return _derive(material, b"promptly-platform-tokens")


def _fernet() -> MultiFernet:
    return MultiFernet([_platform_fernet(material) for material in _key_materials()])


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
        raise CredentialsUnreadable(UNREADABLE) from error
    return values


def reencrypt_credentials(token: str) -> str:
    """The same credentials encrypted with the current key; CredentialsUnreadable when no key reads them."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise CredentialsUnreadable(UNREADABLE) from error


def mask(value: str) -> str:
    """Enough of a token to recognise it, never enough to use it."""
    if len(value) < 12:
        return MASK
    return f"{MASK}{value[-4:]}"
