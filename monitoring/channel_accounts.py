"""Connecting a brand's accounts (X, Facebook Page, alert feed, webhook) and keeping their poll schedules."""

from __future__ import annotations

import json
import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from brands.models import Brand
from monitoring.crypto import CredentialsUnreadable, decrypt_credentials, encrypt_credentials
from monitoring.models import ChannelAccount, Platform

logger = logging.getLogger(__name__)
POLL_TASK = "monitoring.tasks.poll_account_task"
# Below this, platforms' rate limits are spent on polling alone.
MIN_POLL_INTERVAL_SECONDS = 15
CREDENTIAL_FIELDS = {
    Platform.X: ("bearer_token", "consumer_key", "consumer_secret", "access_token", "access_secret"),
    Platform.FACEBOOK: ("page_token",),
    Platform.FEED: (),
    Platform.WEBHOOK: ("secret",),
}


def _brand(slug: str) -> Brand:
    try:
        return Brand.objects.get(slug=slug)
    except Brand.DoesNotExist:
        raise ValidationError(f"There is no brand {slug!r}; `manage.py brands list` shows the brands.") from None


def _create(
    *, brand: Brand, platform: str, external_id: str, handle: str, credentials: dict[str, str], feed_url: str = ""
) -> ChannelAccount:
    if ChannelAccount.objects.filter(brand=brand, platform=platform, external_id=external_id).exists():
        label = Platform(platform).label
        raise ValidationError(f"{brand.slug} already has the {label} account {external_id}.")
    if platform == Platform.FACEBOOK and ChannelAccount.objects.filter(platform=platform, external_id=external_id):
        # A Page's webhook events must go to one brand; which other brand is not this admin's to know.
        raise ValidationError(f"The Facebook Page {external_id} is already connected to another brand.")
    account = ChannelAccount(
        brand=brand,
        platform=platform,
        external_id=external_id,
        handle=handle,
        feed_url=feed_url,
        encrypted_credentials=encrypt_credentials(credentials),
    )
    account.full_clean()
    account.save()
    sync_poll_schedule(account=account)
    return account


@transaction.atomic
def add_x_account(
    *,
    brand_slug: str,
    user_id: str,
    handle: str,
    bearer_token: str,
    consumer_key: str = "",
    consumer_secret: str = "",
    access_token: str = "",
    access_secret: str = "",
) -> ChannelAccount:
    if not user_id.isdigit():
        raise ValidationError("An X user id is a number (the account's numeric id, not its @handle).")
    user_tokens = (consumer_key, consumer_secret, access_token, access_secret)
    if any(user_tokens) and not all(user_tokens):
        raise ValidationError("To reply from Promptly give all four: consumer key and secret, access token and secret.")
    if not bearer_token and not all(user_tokens):
        raise ValidationError("Give a bearer token (to read) or all four user-context tokens.")
    credentials = dict(zip(CREDENTIAL_FIELDS[Platform.X], (bearer_token, *user_tokens), strict=True))
    return _create(
        brand=_brand(brand_slug),
        platform=Platform.X,
        external_id=user_id,
        handle=handle.lstrip("@"),
        credentials=credentials,
    )


@transaction.atomic
def add_facebook_account(*, brand_slug: str, page_id: str, page_token: str, name: str = "") -> ChannelAccount:
    if not page_id.isdigit():
        raise ValidationError("A Facebook Page id is a number.")
    if not page_token:
        raise ValidationError("A Page access token is needed to read the Page.")
    return _create(
        brand=_brand(brand_slug),
        platform=Platform.FACEBOOK,
        external_id=page_id,
        handle=name,
        credentials={"page_token": page_token},
    )


def connect_facebook_page(*, brand_slug: str, page_id: str, page_token: str, name: str = "") -> ChannelAccount:
    """Connect a Page as a person asks (the settings page, `accounts add facebook`): before anything is saved,
    the Page must not belong to a brand already and its token must read it through Graph.

    Events for a Page go to the one brand that owns it; a token that cannot read the Page would only fail
    later, in every poll.
    """
    from monitoring.connection_check import graph_error, read_page
    from monitoring.connectors.facebook import GRAPH_FAULTS

    page_id = page_id.strip()
    if not page_id.isdigit():
        raise ValidationError("A Facebook Page id is a number.")
    owner = ChannelAccount.objects.filter(platform=Platform.FACEBOOK, external_id=page_id).select_related("brand")
    taken = owner.first()
    if taken is not None and taken.brand.slug == brand_slug:
        raise ValidationError(f"{brand_slug} already has the Facebook Page {page_id}.")
    if taken is not None:
        raise ValidationError(f"The Facebook Page {page_id} is already connected to another brand.")
    try:
        page = read_page(page_id=page_id, page_token=page_token)
    except GRAPH_FAULTS as error:
        raise ValidationError(f"This token cannot read the Page {page_id}. {graph_error(error)}.") from error
    return add_facebook_account(
        brand_slug=brand_slug, page_id=page_id, page_token=page_token, name=name or str(page.get("name") or "")
    )


@transaction.atomic
def add_feed_account(*, brand_slug: str, url: str, title: str = "") -> ChannelAccount:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(f"{url!r} is not an http(s) URL of an RSS or Atom feed.") from None
    return _create(
        brand=_brand(brand_slug),
        platform=Platform.FEED,
        external_id=url[:500],
        handle=title[:200],
        credentials={},
        feed_url=url,
    )


@transaction.atomic
def add_webhook_account(*, brand_slug: str, name: str) -> tuple[ChannelAccount, str]:
    """A source that pushes mentions to /webhooks/inbound/<id>/; the signing secret is shown once."""
    secret = secrets.token_urlsafe(32)
    account = _create(
        brand=_brand(brand_slug),
        platform=Platform.WEBHOOK,
        external_id=name,
        handle=name,
        credentials={"secret": secret},
    )
    return account, secret


@transaction.atomic
def set_credentials(*, account: ChannelAccount, values: dict[str, str]) -> None:
    """Replace the tokens given (non-empty values); the others stay as they were."""
    try:
        current = decrypt_credentials(account.encrypted_credentials)
    except CredentialsUnreadable:
        current = {}  # tokens no key reads: the ones given now start afresh
    allowed = CREDENTIAL_FIELDS[Platform(account.platform)]
    current.update({name: value for name, value in values.items() if value and name in allowed})
    account.encrypted_credentials = encrypt_credentials(current)
    account.failing_reason = ""
    account.save(update_fields=["encrypted_credentials", "failing_reason"])


def mark_failing(*, account: ChannelAccount, reason: str) -> None:
    """The account cannot work until an admin acts: polling and replies stop, and it says why."""
    if account.failing_reason != reason:
        account.failing_reason = reason
        ChannelAccount.objects.filter(pk=account.pk).update(failing_reason=reason)
        logger.error("%s of %s is failing: %s", account, account.brand_id, reason)


def clear_failing(*, account: ChannelAccount) -> None:
    if account.failing_reason:
        account.failing_reason = ""
        ChannelAccount.objects.filter(pk=account.pk).update(failing_reason="")


def _schedule_name(account_id: int) -> str:
    return f"poll account {account_id}"


@transaction.atomic
def remove_accounts(*, account_ids: list[int]) -> None:
    """Disconnect accounts (their messages go with them) and stop polling them."""
    PeriodicTask.objects.filter(name__in=[_schedule_name(pk) for pk in account_ids]).delete()
    ChannelAccount.objects.filter(pk__in=account_ids).delete()


def sync_poll_schedule(*, account: ChannelAccount) -> None:
    """One beat entry per polled account, following its interval and enabled flag."""
    name = _schedule_name(account.pk)
    if account.platform == Platform.WEBHOOK:
        PeriodicTask.objects.filter(name=name).delete()
        return
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=account.poll_interval_seconds, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": POLL_TASK,
            "interval": interval,
            "args": json.dumps([account.pk]),
            "enabled": account.enabled,
            "description": f"Poll {account} of {account.brand.slug}",
        },
    )


@transaction.atomic
def set_polling(*, account: ChannelAccount, enabled: bool, interval_seconds: int | None = None) -> None:
    """Pause or resume an account, or change how often it is polled; its beat entry follows."""
    account.enabled = enabled
    if interval_seconds is not None:
        if interval_seconds < MIN_POLL_INTERVAL_SECONDS:
            raise ValidationError(f"Poll at most every {MIN_POLL_INTERVAL_SECONDS} seconds.")
        account.poll_interval_seconds = interval_seconds
    account.save(update_fields=["enabled", "poll_interval_seconds"])
    sync_poll_schedule(account=account)


def masked_credentials(account: ChannelAccount) -> dict[str, str]:
    """Each stored token as its last four characters only (the rest never leaves the server)."""
    stored = decrypt_credentials(account.encrypted_credentials)
    return {name: f"••••{value[-4:]}" if value else "" for name, value in stored.items()}
