"""Channels: connected accounts with their listening health, connecting new ones, testing, pausing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from monitoring import channel_accounts
from monitoring.connection_check import Capability, check_facebook, check_feed, check_x
from monitoring.connectors.x import XCredentials
from monitoring.crypto import decrypt_credentials
from monitoring.health import arrival_figures, streams_of
from monitoring.models import ChannelAccount, Platform
from settings_pages.forms import ChannelForm, PollingForm
from settings_pages.views.base import SettingsView


def _problems(error: ValidationError) -> str:
    return " ".join(error.messages)


def connect(data: dict[str, Any]) -> tuple[ChannelAccount, str]:
    """Connect the account the form describes; returns it and a secret to show once (webhooks), or ""."""
    slug, platform = data["brand"].slug, data["platform"]
    if platform == Platform.X:
        account = channel_accounts.add_x_account(
            brand_slug=slug,
            user_id=data["user_id"].strip(),
            handle=data["handle"].strip(),
            bearer_token=data["bearer_token"],
            consumer_key=data["consumer_key"],
            consumer_secret=data["consumer_secret"],
            access_token=data["access_token"],
            access_secret=data["access_secret"],
        )
        return account, ""
    if platform == Platform.FACEBOOK:
        account = channel_accounts.connect_facebook_page(
            brand_slug=slug, page_id=data["page_id"], page_token=data["page_token"], name=data["name"]
        )
        return account, ""
    if platform == Platform.FEED:
        return channel_accounts.add_feed_account(brand_slug=slug, url=data["url"], title=data["name"]), ""
    return channel_accounts.add_webhook_account(brand_slug=slug, name=data["name"].strip() or "webhook")


def test_connection(account: ChannelAccount) -> list[Capability]:
    credentials = decrypt_credentials(account.encrypted_credentials)
    if account.platform == Platform.X:
        fields = XCredentials.__dataclass_fields__
        return check_x(
            user_id=account.external_id,
            credentials=XCredentials(**{k: v for k, v in credentials.items() if k in fields}),
        )
    if account.platform == Platform.FACEBOOK:
        return check_facebook(page_id=account.external_id, page_token=credentials.get("page_token", ""))
    if account.platform == Platform.FEED:
        return check_feed(url=account.feed_url)
    return [Capability("Receive pushes", True, "Webhook sources push to Promptly; nothing to call.")]


class ChannelsView(SettingsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ChannelForm(brands=self.brands()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ChannelForm(request.POST, brands=self.brands())
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            account, secret = connect(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _problems(error))
            return self._render(request, form, status=400)
        if secret:
            messages.success(
                request,
                f"Connected {account}. Its signing secret, shown this once: {secret} "
                f"(it signs pushes to /webhooks/inbound/{account.pk}/)",
            )
        else:
            messages.success(request, f"Connected {account}. Test the connection to see what works.")
        return redirect("settings:channel", pk=account.pk)

    def _render(self, request: HttpRequest, form: ChannelForm, status: int = 200) -> HttpResponse:
        streams = streams_of(self.brands())
        figures = arrival_figures(sorted({health.account.pk for health in streams}))
        rows = [(health, figures.get(health.account.pk)) for health in streams]
        context = self.base_context(form=form, rows=rows)
        return render(request, "settings_pages/channels.html", context, status=status)


class ChannelView(SettingsView):
    def _account(self, pk: int) -> ChannelAccount:
        return get_object_or_404(ChannelAccount.objects.filter(brand__in=self.brands()).select_related("brand"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self._account(pk)
        form = PollingForm(initial={"poll_interval_seconds": account.poll_interval_seconds})
        return self._render(request, account, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self._account(pk)
        form = PollingForm(request.POST)
        if not form.is_valid():
            return self._render(request, account, form, status=400)
        channel_accounts.set_polling(
            account=account, enabled=account.enabled, interval_seconds=form.cleaned_data["poll_interval_seconds"]
        )
        tokens = {
            name: request.POST.get(name, "") for name in channel_accounts.CREDENTIAL_FIELDS[Platform(account.platform)]
        }
        if any(tokens.values()):
            channel_accounts.set_credentials(account=account, values=tokens)
        messages.success(request, f"Saved {account}.")
        return redirect("settings:channel", pk=pk)

    def _render(
        self, request: HttpRequest, account: ChannelAccount, form: PollingForm, status: int = 200, **extra: Any
    ) -> HttpResponse:
        context = self.base_context(
            account=account,
            form=form,
            masked=channel_accounts.masked_credentials(account),
            streams=[health for health in streams_of([account.brand]) if health.account.pk == account.pk],
            **extra,
        )
        return render(request, "settings_pages/channel.html", context, status=status)


class ChannelTestView(ChannelView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("settings:channel", pk=pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self._account(pk)
        form = PollingForm(initial={"poll_interval_seconds": account.poll_interval_seconds})
        return self._render(request, account, form, results=test_connection(account))


class ChannelPauseView(ChannelView):
    enable = False

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("settings:channel", pk=pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        account = self._account(pk)
        channel_accounts.set_polling(account=account, enabled=self.enable)
        messages.success(request, f"{'Resumed' if self.enable else 'Paused'} {account}.")
        return redirect("settings:channel", pk=pk)


class ChannelResumeView(ChannelPauseView):
    enable = True
