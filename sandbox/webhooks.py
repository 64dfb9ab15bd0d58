"""Facebook Page webhook events pushed by the sandbox: the standard payloads, signed as Facebook signs them."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

import requests
from django.db import transaction

from sandbox.models import FacebookComment, FacebookMessage, FacebookPage, FacebookPost

logger = logging.getLogger(__name__)
PUSH_TIMEOUT_SECONDS = 5


def signature(body: bytes, app_secret: str) -> str:
    """The X-Hub-Signature-256 header: sha256= and the HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def comment_event(comment: FacebookComment) -> dict[str, Any]:
    """`object: page` with one `changes` entry (field feed, item comment, verb add)."""
    post = comment.post
    page = post.page
    writer = comment.by_page or page
    sender = (
        {"id": str(writer.id), "name": writer.name}
        if comment.author is None
        else {"id": str(comment.author_id), "name": comment.author.name}
    )
    epoch = int(comment.created_time.timestamp())
    value = {
        "from": sender,
        "post": {
            "status_type": "mobile_status_update",
            "is_published": True,
            "updated_time": comment.created_time.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "permalink_url": f"https://www.facebook.com/{page.id}/posts/{post.id}",
            "promotion_status": "inactive",
            "id": post.graph_id,
        },
        "message": comment.message,
        "post_id": post.graph_id,
        "comment_id": comment.graph_id,
        "created_time": epoch,
        "item": "comment",
        "parent_id": comment.parent.graph_id if comment.parent else post.graph_id,
        "verb": "add",
    }
    return {
        "object": "page",
        "entry": [{"id": str(page.id), "time": epoch, "changes": [{"field": "feed", "value": value}]}],
    }


def mention_event(post: FacebookPost, tagged: FacebookPage) -> dict[str, Any]:
    """`object: page`, field `mention`: the Page was tagged in someone else's post."""
    epoch = int(post.created_time.timestamp())
    value = {
        "post_id": post.graph_id,
        "sender_id": str(post.author_id),
        "sender_name": post.author.name if post.author else "",
        "item": "post",
        "verb": "add",
        "message": post.message,
        "created_time": epoch,
    }
    return {
        "object": "page",
        "entry": [{"id": str(tagged.id), "time": epoch, "changes": [{"field": "mention", "value": value}]}],
    }


def message_event(message: FacebookMessage) -> dict[str, Any]:
    """`object: page` with one `messaging` entry: a person's message to the Page."""
    conversation = message.conversation
    millis = int(message.created_time.timestamp() * 1000)
    event = {
        "sender": {"id": str(conversation.user_id)},
        "recipient": {"id": str(conversation.page_id)},
        "timestamp": millis,
        "message": {"mid": message.graph_id, "text": message.text},
    }
    return {"object": "page", "entry": [{"id": str(conversation.page_id), "time": millis, "messaging": [event]}]}


def push(*, url: str, payload: dict[str, Any], app_secret: str) -> int:
    """POST one signed event; the receiver's HTTP status (0 when it could not be reached)."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, app_secret)}
    try:
        return requests.post(url, data=body, headers=headers, timeout=PUSH_TIMEOUT_SECONDS).status_code
    except requests.RequestException as error:
        # Facebook retries failed deliveries later; the sandbox leaves that to polling, the safety net.
        logger.warning("sandbox webhook to %s failed: %s", url, error)
        return 0


def push_on_commit(page: FacebookPage, payload: dict[str, Any]) -> None:
    if page.webhook_url:
        url, secret = page.webhook_url, page.app_secret
        transaction.on_commit(lambda: push(url=url, payload=payload, app_secret=secret))
