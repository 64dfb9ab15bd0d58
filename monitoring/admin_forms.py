"""The account form of the administration: tokens can be set, and are only ever shown masked."""

from __future__ import annotations

from typing import Any

from django import forms

from monitoring.channel_accounts import CREDENTIAL_FIELDS
from monitoring.crypto import CredentialsUnreadable, decrypt_credentials, mask
from monitoring.models import ChannelAccount, Platform

TOKEN_FIELDS = sorted({name for names in CREDENTIAL_FIELDS.values() for name in names})


def _token_field() -> forms.CharField:
    # Never rendered back: a password input shows nothing, the help text shows the masked value.
    return forms.CharField(required=False, strip=True, widget=forms.PasswordInput(render_value=False))


class ChannelAccountForm(forms.ModelForm):
    access_secret = _token_field()
    access_token = _token_field()
    bearer_token = _token_field()
    consumer_key = _token_field()
    consumer_secret = _token_field()
    page_token = _token_field()
    secret = _token_field()

    class Meta:
        model = ChannelAccount
        fields = ("brand", "platform", "external_id", "handle", "feed_url", "enabled", "poll_interval_seconds")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            stored = decrypt_credentials(self.instance.encrypted_credentials)
        except CredentialsUnreadable:
            stored = {}
        for name in TOKEN_FIELDS:
            platforms = ", ".join(str(Platform(p).label) for p, names in CREDENTIAL_FIELDS.items() if name in names)
            current = f"Now {mask(stored[name])}. " if name in stored else ""
            self.fields[name].help_text = f"{current}{platforms}. Leave empty to keep the stored value."

    def token_values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in TOKEN_FIELDS}
