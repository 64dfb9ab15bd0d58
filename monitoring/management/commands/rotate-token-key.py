"""`manage.py rotate-token-key`: re-encrypt every stored token and secret with the current PROMPTLY_TOKEN_KEY.

Set the new key as PROMPTLY_TOKEN_KEY and the old one in PROMPTLY_TOKEN_KEY_OLD (the app reads both), run
this, then drop the old key. A token no key reads marks its account failing, with the reason; it is not
fatal to the rest.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from monitoring.alerts.models import AlertRule
from monitoring.alerts.secrets import reencrypt_secret
from monitoring.channel_accounts import mark_failing
from monitoring.connectors.registry import UNREADABLE_REASON
from monitoring.crypto import CredentialsUnreadable, reencrypt_credentials
from monitoring.models import ChannelAccount


class Command(BaseCommand):
    help = "Re-encrypt stored platform tokens and alert webhook secrets with the current PROMPTLY_TOKEN_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated, unreadable = 0, []
        for account_id in ChannelAccount.objects.exclude(encrypted_credentials="").values_list("pk", flat=True):
            with transaction.atomic():
                account = ChannelAccount.objects.select_for_update().select_related("brand").get(pk=account_id)
                try:
                    account.encrypted_credentials = reencrypt_credentials(account.encrypted_credentials)
                except CredentialsUnreadable:
                    mark_failing(account=account, reason=UNREADABLE_REASON)
                    unreadable.append(f"{account.brand.slug}\t{account}")
                    continue
                account.save(update_fields=["encrypted_credentials"])
                rotated += 1
        for rule_id in AlertRule.objects.exclude(encrypted_webhook_secret="").values_list("pk", flat=True):
            with transaction.atomic():
                rule = AlertRule.objects.select_for_update().select_related("brand").get(pk=rule_id)
                try:
                    rule.encrypted_webhook_secret = reencrypt_secret(rule.encrypted_webhook_secret)
                except InvalidToken:
                    unreadable.append(f"{rule.brand.slug}\talert rule {rule.name}: webhook signing secret")
                    continue
                rule.save(update_fields=["encrypted_webhook_secret"])
                rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} stored secret(s) with the current PROMPTLY_TOKEN_KEY.")
        if unreadable:
            for line in unreadable:
                self.stderr.write(f"{line}: no key reads it; set it again")
            raise CommandError(f"{len(unreadable)} stored secret(s) could not be read with any key.")
