"""Pushed mentions into the ingest path: the generic signed webhook and Facebook Page webhooks."""

from __future__ import annotations

import hmac

from django.conf import settings

from monitoring.connectors.base import FetchResult
from monitoring.connectors.facebook import parse_facebook
from monitoring.connectors.webhook import BadPayload, load_json, parse_inbound, signature_valid
from monitoring.crypto import CredentialsUnreadable, decrypt_credentials
from monitoring.models import ChannelAccount, Platform

INBOUND_STREAM = "webhook"


class WebhookRejected(Exception):
    """The delivery is not accepted; nothing was stored. status is the HTTP answer."""

    def __init__(self, reason: str, *, status: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def receive_inbound(*, account_id: int, body: bytes, signature: str | None) -> int:
    """Check the HMAC of a generic webhook delivery, then ingest it; returns how many messages were stored."""
    from inbox.services.ingest import ingest_batch

    account = ChannelAccount.objects.filter(pk=account_id, platform=Platform.WEBHOOK, enabled=True).first()
    # An unknown or disabled source answers exactly as a bad signature does: ids are not probed from outside.
    secret = _secret_of(account) if account else ""
    if account is None or not signature_valid(secret, body, signature):
        raise WebhookRejected("missing or wrong signature", status=403)
    try:
        result = parse_inbound(load_json(body))
    except BadPayload as error:
        raise WebhookRejected(str(error), status=400) from error
    return ingest_batch(account=account, stream=INBOUND_STREAM, result=result).stored


def _secret_of(account: ChannelAccount) -> str:
    """The source's signing secret; "" (so every delivery is refused) when it cannot be decrypted."""
    from monitoring.channel_accounts import mark_failing
    from monitoring.connectors.registry import UNREADABLE_REASON

    try:
        return decrypt_credentials(account.encrypted_credentials).get("secret", "")
    except CredentialsUnreadable:
        mark_failing(account=account, reason=UNREADABLE_REASON)
        return ""


def facebook_challenge(*, mode: str | None, token: str | None, challenge: str | None) -> str:
    """Facebook's subscription check: echo the challenge only to whoever knows our verify token."""
    expected = settings.PROMPTLY_FACEBOOK_VERIFY_TOKEN
    if mode != "subscribe" or not expected or not token or not hmac.compare_digest(expected, token):
        raise WebhookRejected("verification token does not match", status=403)
    if not challenge or len(challenge) > 200:
        raise WebhookRejected("no challenge to answer", status=400)
    return challenge


def verified_facebook_delivery(*, body: bytes, signature: str | None) -> dict[str, FetchResult]:
    """Check X-Hub-Signature-256 against the app secret; the delivery's messages by Page (stored by
    monitoring.webhook_batches)."""
    if not signature_valid(settings.PROMPTLY_FACEBOOK_APP_SECRET, body, signature):
        raise WebhookRejected("missing or wrong X-Hub-Signature-256", status=403)
    try:
        return parse_facebook(load_json(body))
    except (BadPayload, ValueError) as error:
        raise WebhookRejected(str(error), status=400) from error
