"""`manage.py accounts add x|facebook|feed|webhook` and `accounts list`: scripted account set-up."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from monitoring import channel_accounts
from monitoring.models import ChannelAccount


class Command(BaseCommand):
    help = "Connect a brand's X account, Facebook Page, alert feed or webhook source, or list connected accounts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Connect an account.").add_subparsers(dest="platform", required=True)
        x = add.add_parser("x", help="An X account (API v2).")
        x.add_argument("--brand", required=True)
        x.add_argument("--user-id", required=True, help="The account's numeric X user id.")
        x.add_argument("--handle", required=True)
        x.add_argument("--bearer-token", default="", help="App bearer token (reading).")
        for name in ("consumer-key", "consumer-secret", "access-token", "access-secret"):
            x.add_argument(f"--{name}", default="", help="User-context token (replying, DMs).")
        facebook = add.add_parser("facebook", help="A Facebook Page.")
        facebook.add_argument("--brand", required=True)
        facebook.add_argument("--page-id", required=True)
        facebook.add_argument("--page-token", required=True, help="Must read the Page: it is checked before saving.")
        facebook.add_argument("--name", default="", help="The Page's name, for people.")
        feed = add.add_parser("feed", help="An RSS or Atom alert feed.")
        feed.add_argument("--brand", required=True)
        feed.add_argument("--url", required=True)
        feed.add_argument("--title", default="")
        webhook = add.add_parser("webhook", help="A source that pushes signed JSON to Promptly.")
        webhook.add_argument("--brand", required=True)
        webhook.add_argument("--name", required=True)
        actions.add_parser("list", help="List connected accounts (tokens never shown).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        try:
            self._add(options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error

    def _add(self, options: dict[str, Any]) -> None:
        platform = options["platform"]
        if platform == "x":
            account = channel_accounts.add_x_account(
                brand_slug=options["brand"],
                user_id=options["user_id"],
                handle=options["handle"],
                bearer_token=options["bearer_token"],
                consumer_key=options["consumer_key"],
                consumer_secret=options["consumer_secret"],
                access_token=options["access_token"],
                access_secret=options["access_secret"],
            )
        elif platform == "facebook":
            account = channel_accounts.connect_facebook_page(
                brand_slug=options["brand"],
                page_id=options["page_id"],
                page_token=options["page_token"],
                name=options["name"],
            )
        elif platform == "feed":
            account = channel_accounts.add_feed_account(
                brand_slug=options["brand"], url=options["url"], title=options["title"]
            )
        else:
            account, secret = channel_accounts.add_webhook_account(brand_slug=options["brand"], name=options["name"])
            self.stdout.write(
                f"POST signed JSON to /webhooks/inbound/{account.pk}/ with header "
                f"X-Promptly-Signature: sha256=<HMAC-SHA256 of the body>; signing secret (shown once): {secret}"
            )
        self.stdout.write(self.style.SUCCESS(f"Connected {account} (id {account.pk}) to {account.brand.slug}."))

    def _list(self) -> None:
        accounts = ChannelAccount.objects.select_related("brand").order_by("brand__slug", "platform", "pk")
        if not accounts:
            self.stdout.write("No accounts connected yet; add one with `manage.py accounts add x|facebook|feed`.")
        for account in accounts:
            state = "enabled" if account.enabled else "disabled"
            self.stdout.write(
                f"{account.pk}\t{account.brand.slug}\t{account.platform}\t{account.handle or '-'}\t"
                f"{account.external_id}\t{state}\tevery {account.poll_interval_seconds}s"
            )
