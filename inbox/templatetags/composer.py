"""{% composer conversation %}: the reply composer for the signed-in person, and a guard for links."""

from __future__ import annotations

from typing import Any

from django import template

from inbox.models import Conversation, Message
from inbox.views.replies import composer_context, reply_to_id
from monitoring.connectors.base import CHECK_BEFORE_RETRYING

register = template.Library()


@register.inclusion_tag("inbox/composer/form.html", takes_context=True)
def composer(context: template.Context, conversation: Conversation) -> dict[str, Any]:
    request = context["request"]
    # "Reply to this" on a message opens the page with ?reply_to=<message id>.
    state = {"reply_to": reply_to_id(request.GET.get("reply_to"))}
    return {
        **composer_context(request.user, conversation, **state),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.filter
def web_link(url: str) -> str:
    """The URL when it is an http(s) link, else nothing: platform data never becomes a javascript: link."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else ""


@register.filter
def delivery_in_doubt(message: Message) -> bool:
    """A failed reply the platform may hold after all: the agent checks there before retrying."""
    return message.delivery_error.endswith(CHECK_BEFORE_RETRYING)
