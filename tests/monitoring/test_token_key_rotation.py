"""Stored tokens re-encrypted with a new PROMPTLY_TOKEN_KEY; a token no key reads marks its account failing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from monitoring.alerts.models import AlertRule
from monitoring.alerts.secrets import decrypt_secret
from monitoring.alerts.services import set_webhook
from monitoring.channel_accounts import add_webhook_account, add_x_account, set_credentials
from monitoring.connectors.base import DeliveryRefused, OutboundReply
from monitoring.connectors.registry import connector_for
from monitoring.connectors.webhook import sign
from monitoring.crypto import decrypt_credentials
from monitoring.models import ChannelAccount
from monitoring.services import poll_account
from monitoring.webhooks import WebhookRejected, receive_inbound

OLD, NEW = "the-old-token-key", "the-new-token-key"


@pytest.fixture
def x_account(brand, settings):
    settings.PROMPTLY_TOKEN_KEY, settings.PROMPTLY_TOKEN_KEY_OLD = OLD, []
    return add_x_account(brand_slug="acme", user_id="42", handle="acme", bearer_token="bearer-secret-1234")


def test_rotate_token_key_re_encrypts_everything_while_the_old_key_stays_readable(x_account, brand, settings):
    rule = AlertRule.objects.create(brand=brand, name="Outage", notify_in_app=True)
    set_webhook(rule=rule, url="https://hooks.example.com/x", secret="webhook-signing-secret")
    settings.PROMPTLY_TOKEN_KEY, settings.PROMPTLY_TOKEN_KEY_OLD = NEW, [OLD]
    assert decrypt_credentials(x_account.encrypted_credentials)["bearer_token"] == "bearer-secret-1234"

    out = StringIO()
    call_command("rotate-token-key", stdout=out)

    assert "Re-encrypted 2 stored secret(s)" in out.getvalue()
    settings.PROMPTLY_TOKEN_KEY_OLD = []
    x_account.refresh_from_db()
    rule.refresh_from_db()
    assert decrypt_credentials(x_account.encrypted_credentials)["bearer_token"] == "bearer-secret-1234"
    assert decrypt_secret(rule.encrypted_webhook_secret) == "webhook-signing-secret"


def test_an_unreadable_token_marks_its_account_failing_once_and_nothing_retries(x_account, settings):
    settings.PROMPTLY_TOKEN_KEY = NEW

    assert poll_account(x_account.pk) == []
    assert poll_account(x_account.pk) == []

    x_account.refresh_from_db()
    assert "cannot be decrypted with the current PROMPTLY_TOKEN_KEY" in x_account.failing_reason
    reply = OutboundReply(idempotency_key="k", text="Hi", visibility="public", thread_key="t", in_reply_to="1")
    with pytest.raises(DeliveryRefused, match="cannot be decrypted"):
        connector_for(x_account).send(reply)
    set_credentials(account=x_account, values={"bearer_token": "a-new-bearer-token"})
    x_account.refresh_from_db()
    assert x_account.failing_reason == ""
    assert decrypt_credentials(x_account.encrypted_credentials) == {"bearer_token": "a-new-bearer-token"}


def test_rotation_names_what_no_key_reads_and_marks_it_failing(x_account, settings):
    settings.PROMPTLY_TOKEN_KEY = NEW
    err = StringIO()
    with pytest.raises(CommandError, match="1 stored secret"):
        call_command("rotate-token-key", stdout=StringIO(), stderr=err)
    assert "acme" in err.getvalue()
    assert ChannelAccount.objects.get(pk=x_account.pk).failing_reason


def test_a_webhook_source_whose_secret_is_unreadable_refuses_deliveries_as_unsigned_not_500(brand, settings):
    settings.PROMPTLY_TOKEN_KEY, settings.PROMPTLY_TOKEN_KEY_OLD = OLD, []
    account, secret = add_webhook_account(brand_slug="acme", name="reviews")
    settings.PROMPTLY_TOKEN_KEY = NEW
    body = b'{"id": "1", "text": "hi"}'
    with pytest.raises(WebhookRejected) as rejected:
        receive_inbound(account_id=account.pk, body=body, signature=sign(secret, body))
    assert rejected.value.status == 403
    assert ChannelAccount.objects.get(pk=account.pk).failing_reason
