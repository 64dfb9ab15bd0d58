"""Conversations of every kind the brand answers, started by customers on the sandbox platform and ingested by
polling as in production, with what the sandbox then holds as the brand's answers in each of them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import User
from inbox.models import Conversation, Message
from inbox.services.replies import ReplyRequest, do_reply
from monitoring.channel_accounts import add_facebook_account, add_x_account
from monitoring.models import ChannelAccount
from monitoring.services import poll_account
from promptly.celery import app as celery_app
from sandbox import services as sandbox
from sandbox.models import DirectMessage, FacebookComment, FacebookMessage, Tweet


@dataclass(frozen=True)
class SandboxAnswer:
    """One answer of the brand as the platform stores it: its id there, and where it is."""

    external_id: str
    answers: str  # the platform id of the customer's message or thread it sits under


def x_account() -> ChannelAccount:
    """The brand's X account connected with the four user tokens (it may post and read DMs)."""
    credentials = sandbox.create_x_account(username="acme", name="Acme Coffee")
    return add_x_account(
        brand_slug="acme",
        user_id=credentials.user_id,
        handle=credentials.username,
        bearer_token=credentials.bearer_token,
        consumer_key=credentials.consumer_key,
        consumer_secret=credentials.consumer_secret,
        access_token=credentials.access_token,
        access_secret=credentials.access_token_secret,
    )


def facebook_account() -> ChannelAccount:
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    return add_facebook_account(brand_slug="acme", page_id=page.page_id, page_token=page.page_token)


def polled(account: ChannelAccount, external_id: str) -> Conversation:
    poll_account(account.pk)
    return Message.objects.select_related("conversation").get(account=account, external_id=external_id).conversation


def x_mention(text: str = "my order came with the wrong beans", *, author: str = "maria") -> Conversation:
    account = x_account()  # first: a mention tags an account that exists
    mention = sandbox.post_mention(brand="acme", text=text, author=author)
    return polled(account, str(mention.id))


def x_untagged_post(text: str = "Acme Coffee got my order wrong again") -> Conversation:
    """A post naming the brand without tagging it, found by the brand-name search: X refuses replies to it."""
    account = x_account()
    post = sandbox.post_tweet(author="ana", text=text)
    return polled(account, str(post.id))


def x_dm(text: str = "my card was charged twice") -> Conversation:
    account = x_account()
    dm = sandbox.send_dm(sender=sandbox.x_user(username="dora", name="Dora"), recipient="acme", text=text)
    return polled(account, str(dm.id))


def facebook_comment(text: str = "Mine arrived crushed") -> Conversation:
    account = facebook_account()
    post = sandbox.publish_page_post(page_id=account.external_id, message="Our seasonal blend is out!")
    comment = sandbox.post_comment(on=post.graph_id, message=text, author="Ona")
    return polled(account, comment.graph_id)


def messenger(text: str = "Where is my refund?", *, written_at: datetime | None = None) -> Conversation:
    account = facebook_account()
    message = sandbox.send_page_message(page_id=account.external_id, user="Ana", text=text, created_time=written_at)
    return polled(account, message.graph_id)


def brand_answers(conversation: Conversation, *, private: bool | None = None) -> list[SandboxAnswer]:
    """Every answer of the brand the sandbox holds for this conversation's channel account, oldest first:
    public ones, or private ones (by default those of the conversation's own visibility)."""
    account = conversation.account
    public = conversation.visibility == "public" if private is None else not private
    if account.platform == "x" and public:
        tweets = Tweet.objects.filter(author_id=int(account.external_id)).order_by("id")
        return [SandboxAnswer(str(t.id), str(t.in_reply_to_id or "")) for t in tweets]
    if account.platform == "x":
        events = DirectMessage.objects.filter(sender_id=int(account.external_id)).order_by("id")
        return [SandboxAnswer(str(e.id), f"dm:{e.recipient_id}") for e in events]
    if public:
        comments = FacebookComment.objects.filter(post__page_id=int(account.external_id), author__isnull=True)
        return [
            SandboxAnswer(c.graph_id, c.parent.graph_id if c.parent else c.post.graph_id)
            for c in comments.order_by("id")
        ]
    sent = FacebookMessage.objects.filter(conversation__page_id=int(account.external_id), from_page=True)
    return [SandboxAnswer(m.graph_id, f"dm:{m.conversation.user_id}") for m in sent.order_by("id")]


def reply(agent: User, conversation: Conversation, text: str, **kwargs: Any) -> Message:
    """The agent's reply, as the composer sends it (a fresh click), read back after delivery."""
    request = ReplyRequest(text=text, idempotency_key=uuid.uuid4(), **kwargs)
    result = do_reply(user=agent, conversation_id=conversation.pk, request=request)
    result.message.refresh_from_db()
    return result.message


@contextmanager
def held_back() -> Iterator[None]:
    """Replies written meanwhile go to the broker, where no worker takes them: they stay queued."""
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = True
