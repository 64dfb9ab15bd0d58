"""Inbound messages as ingest stores them, for tests of what listens to ingest."""

from __future__ import annotations

import itertools

from django.utils import timezone

from brands.models import Brand
from inbox.models import Author, Conversation, Direction, Message, Sentiment, Visibility
from inbox.signals import messages_ingested
from monitoring.models import ChannelAccount, Platform

_ids = itertools.count(1)


def account_for(brand: Brand, platform: str = Platform.X) -> ChannelAccount:
    account, _ = ChannelAccount.objects.get_or_create(
        brand=brand, platform=platform, external_id=f"{platform}-{brand.slug}", defaults={"handle": f"@{brand.slug}"}
    )
    return account


def inbound(
    brand: Brand,
    text: str,
    *,
    platform: str = Platform.X,
    language: str = "en",
    sentiment: str = Sentiment.NEUTRAL,
    followers: int | None = 10,
) -> Message:
    account = account_for(brand, platform)
    number = next(_ids)
    now = timezone.now()
    author = Author.objects.create(
        platform=platform,
        external_id=f"author-{number}",
        handle=f"@person{number}",
        followers_count=followers,
        first_seen_at=now,
        last_seen_at=now,
    )
    conversation = Conversation.objects.create(
        brand=brand,
        account=account,
        thread_key=f"thread-{number}",
        visibility=Visibility.PUBLIC,
        author=author,
        sentiment=sentiment,
        first_inbound_at=now,
        last_inbound_at=now,
        last_message_at=now,
    )
    return Message.objects.create(
        conversation=conversation,
        account=account,
        external_id=f"post-{number}",
        direction=Direction.INBOUND,
        visibility=Visibility.PUBLIC,
        author=author,
        text=text,
        platform_time=now,
        received_at=now,
        language=language,
        sentiment=sentiment,
    )


def ingest(brand: Brand, *texts: str, **fields: object) -> list[Message]:
    """Store messages and announce them the way inbox ingest does (inside one transaction)."""
    messages = [inbound(brand, text, **fields) for text in texts]  # type: ignore[arg-type]
    messages_ingested.send(sender=Message, brand_id=brand.pk, message_ids=[message.pk for message in messages])
    return messages
