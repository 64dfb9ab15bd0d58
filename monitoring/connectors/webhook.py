"""Pushed mentions: signature checks and payload parsing for the generic webhook and Facebook Page webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from monitoring.connectors.base import (
    NOT_MODERATED,
    DeliveryRefused,
    FetchResult,
    InboundAuthor,
    InboundMessage,
    Moderation,
    ModerationRefused,
    OutboundReply,
    QuarantinedPayload,
    SentReceipt,
)
from monitoring.connectors.parsing import ItemError, bounded_text, item_id_of, parse_time

SIGNATURE_HEADER = "X-Promptly-Signature"
MAX_ITEMS = 1000
# Deeper than any platform's payload; deeper still would exhaust the recursion of whatever walks it later.
MAX_DEPTH = 32


class BadPayload(ValueError):
    """The body is not the JSON shape the webhook accepts."""


def sign(secret: str, body: bytes) -> str:
    """The header value a sender puts beside the body: sha256=<hex HMAC of the raw body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(sign(secret, body), header.strip())


def load_json(body: bytes) -> Any:
    """The body as JSON no deeper than MAX_DEPTH, or BadPayload."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise BadPayload("the body is not JSON") from error
    except RecursionError as error:
        raise BadPayload(f"the body is nested deeper than {MAX_DEPTH} levels") from error
    if _depth(payload) > MAX_DEPTH:
        raise BadPayload(f"the body is nested deeper than {MAX_DEPTH} levels")
    return payload


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in value (iterative: the check itself must not recurse)."""
    if not isinstance(value, dict | list):
        return 0
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, level = pending.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _item_quarantine(item: Any, reason: str) -> QuarantinedPayload:
    raw = json.dumps({"item": item}, default=str)[:100_000]
    return QuarantinedPayload(raw=raw, reason=reason, item_id=item_id_of(item, "id"))


def parse_inbound_item(item: Any) -> InboundMessage:
    """One message of the generic webhook (shape documented in the README)."""
    if not isinstance(item, dict):
        raise ItemError("message is not an object")
    external_id, text = item.get("id"), item.get("text")
    if not isinstance(external_id, str | int) or not str(external_id).strip() or len(str(external_id)) > 500:
        raise ItemError("message has no usable id")
    if not isinstance(text, str):
        raise ItemError("message has no text")
    sender: dict[str, Any] = item["author"] if isinstance(item.get("author"), dict) else {}
    followers = sender.get("followers")
    visibility = "private" if item.get("visibility") == "private" else "public"
    url = item.get("url")
    return InboundMessage(
        external_id=str(external_id),
        thread_key=bounded_text(str(item.get("thread") or external_id), 500),
        visibility=visibility,
        text=bounded_text(text),
        platform_time=parse_time(item.get("created_at")),
        author=InboundAuthor(
            external_id=bounded_text(str(sender["id"]), 200),
            handle=bounded_text(sender.get("handle"), 200),
            name=bounded_text(sender.get("name"), 300),
            followers_count=followers if isinstance(followers, int) and followers >= 0 else None,
        )
        if sender.get("id")
        else None,
        url=url[:2000] if isinstance(url, str) and url.startswith(("https://", "http://")) else "",
        in_reply_to=bounded_text(str(item.get("in_reply_to") or ""), 500),
        language_hint=bounded_text(item.get("language"), 8),
        raw=item,
    )


def parse_inbound(payload: Any) -> FetchResult:
    """{"messages": [...]} or one message object: every item parsed or quarantined on its own."""
    if isinstance(payload, dict) and "messages" in payload:
        items = payload["messages"]
    elif isinstance(payload, dict):
        items = [payload]
    else:
        raise BadPayload("the body must be a JSON object")
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise BadPayload(f"messages must be a list of at most {MAX_ITEMS}")
    result = FetchResult()
    for item in items:
        try:
            result.messages.append(parse_inbound_item(item))
        except ItemError as error:
            result.quarantined.append(_item_quarantine(item, str(error)))
    return result


class WebhookConnector:
    """A source that pushes to us: nothing to poll, and no way back to answer from here."""

    def streams(self) -> list[str]:
        return []

    def fetch(self, stream: str, position: dict[str, Any]) -> FetchResult:
        raise ValueError("webhook sources are not polled")

    def send(self, reply: OutboundReply) -> SentReceipt:
        raise DeliveryRefused(
            "This mention was pushed in by a webhook; Promptly cannot post back to its source. "
            "Answer it where it was published, or add a note."
        )

    def find_sent(self, reply: OutboundReply) -> list[SentReceipt]:
        return []

    def moderate(self, action: Moderation, external_id: str) -> None:
        raise ModerationRefused(NOT_MODERATED)

    def parse_item(self, stream: str, raw: str) -> InboundMessage:
        return parse_inbound_item(json.loads(raw).get("item"))
