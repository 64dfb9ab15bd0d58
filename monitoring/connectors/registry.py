"""The connector for a connected account, built from its stored (decrypted) settings."""

from __future__ import annotations

from typing import Any, Protocol

from monitoring.connectors.base import (
    Connector,
    DeliveryRefused,
    FetchResult,
    InboundMessage,
    ItemReparser,
    Moderation,
    ModerationRefused,
    OutboundReply,
    PlatformUnavailable,
    SentReceipt,
)
from monitoring.connectors.facebook import FacebookConnector
from monitoring.connectors.feed import FeedConnector
from monitoring.connectors.retry import Retrying
from monitoring.connectors.webhook import WebhookConnector
from monitoring.connectors.x import XConnector, XCredentials
from monitoring.crypto import CredentialsUnreadable, decrypt_credentials
from monitoring.models import ChannelAccount, Platform
from monitoring.queries.selectors import x_search_queries as compiled_searches

UNREADABLE_REASON = (
    "Its stored tokens cannot be decrypted with the current PROMPTLY_TOKEN_KEY: set them again in the admin, "
    "or put the earlier key in PROMPTLY_TOKEN_KEY_OLD and run `manage.py rotate-token-key`."
)


class AccountConnector(Connector, ItemReparser, Protocol):
    """What the registry hands out: a connector that can also re-read its quarantined items."""


def x_search_queries(account: ChannelAccount) -> list[str]:
    """The searches of the X search streams: the brand's monitored queries compiled for X.

    Without monitored queries, one search for posts naming the brand without tagging it (tags come by
    mentions), leaving out its own posts and retweets.
    """
    compiled = compiled_searches(account.brand)
    if compiled:
        return compiled
    name = account.brand.name.replace('"', " ").strip()
    handle = account.handle.lstrip("@")
    if not name:
        return []
    exclusions = f" -@{handle} -from:{handle}" if handle else ""
    return [f'"{name}"{exclusions} -is:retweet']


class UnreadableCredentials:
    """An account whose stored tokens no key reads: nothing to poll, replies refused with the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def streams(self) -> list[str]:
        return []

    def fetch(self, stream: str, position: dict[str, Any]) -> FetchResult:
        raise PlatformUnavailable(self.reason)

    def send(self, reply: OutboundReply) -> SentReceipt:
        raise DeliveryRefused(self.reason)

    def find_sent(self, reply: OutboundReply) -> list[SentReceipt]:
        return []

    def moderate(self, action: Moderation, external_id: str) -> None:
        raise ModerationRefused(self.reason)

    def parse_item(self, stream: str, raw: str) -> InboundMessage:
        raise ValueError(self.reason)


def connector_for(account: ChannelAccount, *, retrying: Retrying | None = None) -> AccountConnector:
    """The account's connector; one whose tokens cannot be decrypted is marked failing (no retries, no 500).

    `retrying`: how its reads retry passing faults (by default from the settings); one per poll.
    """
    from monitoring.channel_accounts import clear_failing, mark_failing

    try:
        credentials = decrypt_credentials(account.encrypted_credentials)
    except CredentialsUnreadable:
        mark_failing(account=account, reason=UNREADABLE_REASON)
        return UnreadableCredentials(UNREADABLE_REASON)
    clear_failing(account=account)
    if account.platform == Platform.X:
        fields = XCredentials.__dataclass_fields__
        return XConnector(
            user_id=account.external_id,
            handle=account.handle.lstrip("@"),
            credentials=XCredentials(**{k: v for k, v in credentials.items() if k in fields}),
            search_queries=x_search_queries(account),
            retrying=retrying,
        )
    if account.platform == Platform.FACEBOOK:
        return FacebookConnector(
            page_id=account.external_id, page_token=credentials.get("page_token", ""), retrying=retrying
        )
    if account.platform == Platform.FEED:
        return FeedConnector(url=account.feed_url, retrying=retrying)
    return WebhookConnector()
