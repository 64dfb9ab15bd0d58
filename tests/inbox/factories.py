"""Factories for inbox data: accounts, authors, conversations with their messages."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from inbox.models import Author, Conversation, Direction, Message, Visibility
from monitoring.models import ChannelAccount, Platform


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelAccount

    platform = Platform.X
    external_id = factory.Sequence(lambda n: f"acct-{n}")
    handle = factory.Sequence(lambda n: f"@brand{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    platform = Platform.X
    external_id = factory.Sequence(lambda n: f"author-{n}")
    handle = factory.Sequence(lambda n: f"person{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    followers_count = 42
    profile_url = factory.LazyAttribute(lambda o: f"https://x.com/{o.handle}")
    first_seen_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyFunction(timezone.now)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    account = factory.SubFactory(AccountFactory, brand=factory.SelfAttribute("..brand"))
    thread_key = factory.Sequence(lambda n: f"thread-{n}")
    visibility = Visibility.PUBLIC
    author = factory.SubFactory(AuthorFactory)
    first_inbound_at = factory.LazyFunction(timezone.now)
    last_inbound_at = factory.LazyAttribute(lambda o: o.first_inbound_at)
    last_message_at = factory.LazyAttribute(lambda o: o.first_inbound_at)
    awaiting_reply_since = factory.LazyAttribute(lambda o: o.first_inbound_at)
    response_due_at = factory.LazyAttribute(lambda o: o.first_inbound_at + dt.timedelta(hours=2))


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    account = factory.SelfAttribute("conversation.account")
    external_id = factory.Sequence(lambda n: f"msg-{n}")
    direction = Direction.INBOUND
    visibility = factory.SelfAttribute("conversation.visibility")
    author = factory.SelfAttribute("conversation.author")
    text = "Hello, my order is late"
    platform_time = factory.LazyFunction(timezone.now)
    received_at = factory.LazyFunction(timezone.now)


def conversation_with_message(brand, text: str = "Hello, my order is late", **kwargs) -> Conversation:
    conversation = ConversationFactory.create(brand=brand, **kwargs)
    MessageFactory(conversation=conversation, text=text, platform_time=conversation.first_inbound_at)
    return conversation
