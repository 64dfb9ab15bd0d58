"""Demo data for `make run`: one brand and one person per role, with passwords kept under var/."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
from brands.models import Brand
from brands.services import add_brand, add_member
from monitoring import channel_accounts
from monitoring.models import ChannelAccount, Platform

DEMO_BRAND_SLUG = "acme"
DEMO_USERS = {"agent": Role.AGENT, "supervisor": Role.SUPERVISOR, "admin": Role.ADMIN}
EXISTING = "(an account that existed before: its password is not changed)"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role


def _logins_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.json"


def _load_passwords() -> dict[str, str]:
    path = _logins_file()
    return json.loads(path.read_text()) if path.exists() else {}


def _save_passwords(passwords: dict[str, str]) -> None:
    path = _logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passwords, indent=2))
    path.chmod(0o600)


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    """Create the demo brand and users once; later runs keep them and return the same logins."""
    brand = Brand.objects.filter(slug=DEMO_BRAND_SLUG).first() or add_brand(
        slug=DEMO_BRAND_SLUG, name="Acme Coffee", time_zone="America/Los_Angeles", target_minutes=120
    )
    passwords = _load_passwords()
    logins = []
    for username, role in DEMO_USERS.items():
        password = passwords.get(username) or f"{username}-{secrets.token_urlsafe(6)}"
        user = User.objects.filter(username=username).first()
        if user is not None and not user.check_password(password):
            # Someone's own account by that name: its password, role and brands stay as they are.
            logins.append(DemoLogin(username=username, password=EXISTING, role=role))
            continue
        if user is None:
            user = create_user(username=username, password=password, role=role, time_zone="America/New_York")
        add_member(brand=brand, user=user)
        passwords[username] = password
        logins.append(DemoLogin(username=username, password=password, role=role))
    _save_passwords(passwords)
    return logins


def connect_sandbox_accounts(*, base_url: str) -> Any:
    """Give the demo brand a sandbox X account, Facebook Page and alerts feed, connected for polling.

    Idempotent: a second `make run` finds them connected and changes nothing. Returns the Page's
    credentials (its app secret signs the sandbox's webhooks).
    """
    from sandbox import services as sandbox

    brand = Brand.objects.get(slug=DEMO_BRAND_SLUG)
    x = sandbox.create_x_account(username=sandbox.x_handle(brand.slug), name=brand.name)
    page = sandbox.create_facebook_page(
        name=brand.name, username=brand.slug, webhook_url=f"{base_url}/webhooks/facebook/"
    )
    feed = sandbox.create_feed(slug=brand.slug, term=brand.name)
    connected = set(ChannelAccount.objects.filter(brand=brand).values_list("platform", flat=True))
    if Platform.X not in connected:
        channel_accounts.add_x_account(
            brand_slug=brand.slug,
            user_id=x.user_id,
            handle=x.username,
            bearer_token=x.bearer_token,
            consumer_key=x.consumer_key,
            consumer_secret=x.consumer_secret,
            access_token=x.access_token,
            access_secret=x.access_token_secret,
        )
    if Platform.FACEBOOK not in connected:
        channel_accounts.add_facebook_account(
            brand_slug=brand.slug, page_id=page.page_id, page_token=page.page_token, name=page.name
        )
    if Platform.FEED not in connected:
        channel_accounts.add_feed_account(
            brand_slug=brand.slug, url=f"{base_url}/sandbox/feeds/{feed.slug}.xml", title=f"{brand.name} alerts"
        )
    return page
