"""Test data for offers and sending: offers made through the same service the app uses, sends by the composer's path."""

from __future__ import annotations

import uuid

from accounts.models import User
from inbox.models import Conversation
from monitoring.models import Brand
from responses.models import Offer
from responses.offers import CodeSource, add_offer
from responses.sending import SendOutcome, send_reply


def pooled_offer(brand: Brand, *codes: str, name: str = "Free latte", **limits: object) -> Offer:
    return add_offer(brand=brand, name=name, gives="a free latte", source=CodeSource(codes=codes), **limits)


def send(agent: User, conversation: Conversation, text: str = "Sorry, {author_name}!", **kwargs: object) -> SendOutcome:
    return send_reply(
        user=agent,
        conversation_id=conversation.pk,
        text=text,
        idempotency_key=kwargs.pop("idempotency_key", None) or uuid.uuid4(),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )
