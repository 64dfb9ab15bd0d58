"""Test data for replies: connected accounts and conversations with a customer's message in them."""

from __future__ import annotations

import itertools

from django.utils import timezone

from brands.models import Brand
from inbox.models import Author, Conversation, Direction, Message, Visibility
from monitoring.models import ChannelAccount, Platform

_ids = itertools.count(1000)


def account(brand: Brand, platform: str = Platform.X, **fields) -> ChannelAccount:
    defaults = {"external_id": str(next(_ids)), "handle": "acme"}
    if platform == Platform.FEED:
        defaults["feed_url"] = "https://news.example.org/feed.xml"
    return ChannelAccount.objects.create(brand=brand, platform=platform, **(defaults | fields))


def conversation(
    channel: ChannelAccount, visibility: str = Visibility.PUBLIC, text: str = "My order arrived cold", **fields
) -> Conversation:
    """A conversation holding one inbound message from a customer."""
    now = timezone.now()
    author = Author.objects.create(
        platform=channel.platform,
        external_id=str(next(_ids)),
        handle="jane",
        name="Jane Doe",
        first_seen_at=now,
        last_seen_at=now,
    )
    post_id = str(next(_ids))
    conv = Conversation.objects.create(
        brand=channel.brand,
        account=channel,
        thread_key=post_id,
        visibility=visibility,
        author=author,
        subject=text[:80],
        first_inbound_at=now,
        last_inbound_at=now,
        last_message_at=now,
        **fields,
    )
    Message.objects.create(
        conversation=conv,
        account=channel,
        external_id=post_id,
        direction=Direction.INBOUND,
        visibility=visibility,
        author=author,
        text=text,
        url=f"https://news.example.org/{post_id}" if channel.platform == Platform.FEED else "",
        platform_time=now,
        received_at=now,
    )
    return conv
