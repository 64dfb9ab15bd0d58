"""Test data for offers and sending: offers made through the same service the app uses, sends by the composer's path."""

from __future__ import annotations

import uuid

from accounts.models import User
from brands.models import Brand
from inbox.models import Conversation
from inbox.services.replies import ReplyRequest
from responses.models import Offer
from responses.offers import CodeSource, add_offer
from responses.sending import SendOutcome, send_reply

SEND_OPTIONS = ("confirm_channel_push", "offer_id", "saved_reply_id")


def pooled_offer(brand: Brand, *codes: str, name: str = "Free latte", **limits: object) -> Offer:
    return add_offer(brand=brand, name=name, gives="a free latte", source=CodeSource(codes=codes), **limits)


def send(agent: User, conversation: Conversation, text: str = "Sorry, {author_name}!", **kwargs: object) -> SendOutcome:
    options = {name: kwargs.pop(name) for name in SEND_OPTIONS if name in kwargs}
    key = kwargs.pop("idempotency_key", None) or uuid.uuid4()
    request = ReplyRequest(text=text, idempotency_key=key, **kwargs)  # type: ignore[arg-type]
    return send_reply(user=agent, conversation_id=conversation.pk, request=request, **options)  # type: ignore[arg-type]
