"""Sending one alert through one channel: the text, e-mail, Slack-compatible webhook, in-app event."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

import requests
from cryptography.fernet import InvalidToken
from django.core.mail import send_mail
from django.utils import timezone

from inbox.events import publish_on_commit
from inbox.models import Message
from monitoring.alerts.audience import responsible_people
from monitoring.alerts.models import AlertDelivery
from monitoring.alerts.secrets import decrypt_secret
from monitoring.connectors.public_urls import URLRefused, public_session

EXAMPLES_SHOWN = 5
EXCERPT_CHARS = 280
WEBHOOK_TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Promptly-Signature"


class DeliveryFailed(Exception):
    """The channel did not take the alert (SMTP error, HTTP error, timeout): retried later."""


@dataclass(frozen=True)
class AlertText:
    title: str
    lines: list[str]
    examples: list[dict[str, Any]]


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"


def compose(delivery: AlertDelivery) -> AlertText:
    """What the alert says. Mention text is copied as plain text; each channel escapes it its own way."""
    rule = delivery.rule
    title = f"{rule.brand.name}: {rule.name}"
    if delivery.is_digest:
        lines = [f"{delivery.hit_count} alerts while notifications were held back — {delivery.reason}"]
    else:
        lines = [delivery.reason[:1].upper() + delivery.reason[1:]]
    messages = Message.objects.filter(pk__in=delivery.message_ids[:EXAMPLES_SHOWN]).select_related("author")
    examples = [
        {
            "message_id": message.pk,
            "conversation_id": message.conversation_id,
            "author": str(message.author) if message.author else "",
            "text": _excerpt(message.text),
            "url": message.url,
        }
        for message in messages.order_by("pk")
    ]
    return AlertText(" ".join(title.split())[:200], lines, examples)


def _plain(text: AlertText) -> str:
    body = list(text.lines)
    for example in text.examples:
        body.append(f"\n{example['author'] or 'someone'}: {example['text']}")
        if example["url"]:
            body.append(example["url"])
    return "\n".join(body)


def _slack_escape(text: str) -> str:
    # Slack reads <…> as links and commands (<!channel>): hostile text must not reach it unescaped.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def email_recipients(delivery: AlertDelivery) -> list[str]:
    """The rule's addresses; a listening-health rule adds the brand's responsible people, read when sent."""
    addresses = delivery.rule.recipients()
    if delivery.rule.listening_health:
        people = responsible_people(brand_id=delivery.rule.brand_id, now=timezone.now())
        addresses += [person.email for person in people if person.email]
    return list(dict.fromkeys(addresses))


def send_email(delivery: AlertDelivery) -> None:
    text = compose(delivery)
    try:
        send_mail(f"[Promptly] {text.title}", _plain(text), None, email_recipients(delivery), fail_silently=False)
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors; a refused recipient list too
        raise DeliveryFailed(f"e-mail not accepted: {error}") from error


def webhook_body(delivery: AlertDelivery) -> bytes:
    text = compose(delivery)
    payload = {
        "text": _slack_escape(f"*{text.title}*\n{_plain(text)}"),
        "promptly": {
            "delivery_id": delivery.pk,
            "brand": delivery.rule.brand.slug,
            "rule": delivery.rule.name,
            "reason": delivery.reason,
            "count": delivery.hit_count,
            "digest": delivery.is_digest,
            "examples": text.examples,
        },
    }
    return json.dumps(payload, ensure_ascii=False).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(delivery: AlertDelivery) -> None:
    body = webhook_body(delivery)
    headers = {"Content-Type": "application/json", "X-Promptly-Delivery": str(delivery.pk)}
    try:
        secret = decrypt_secret(delivery.rule.encrypted_webhook_secret)
    except InvalidToken as error:
        raise DeliveryFailed("the webhook's signing secret cannot be decrypted with PROMPTLY_TOKEN_KEY") from error
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    # Redirects are not followed: a webhook that moved is reconfigured, not chased.
    try:
        with public_session() as session:
            response = session.post(
                delivery.rule.webhook_url,
                data=body,
                headers=headers,
                timeout=WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
    except URLRefused as error:
        raise DeliveryFailed(f"webhook not called: {error}") from error
    except requests.RequestException as error:
        raise DeliveryFailed(f"webhook unreachable: {error.__class__.__name__}") from error
    # The body stays out of the reason: it is shown to people, and the URL is one a person chose.
    if response.status_code >= 300:
        raise DeliveryFailed(f"webhook answered HTTP {response.status_code}")


def publish_in_app(delivery: AlertDelivery) -> None:
    """A toast for everyone on the brand's live pages, after commit (never for a rolled-back alert)."""
    text = compose(delivery)
    audience: dict[str, Any] = {}
    if delivery.rule.listening_health:
        people = responsible_people(brand_id=delivery.rule.brand_id, now=timezone.now())
        audience["user_ids"] = [person.pk for person in people]
    publish_on_commit(
        brand_id=delivery.rule.brand_id,
        kind="alert",
        payload={
            **audience,
            "alert": {
                "id": delivery.pk,
                "title": text.title,
                "body": "\n".join(text.lines),
                "count": delivery.hit_count,
                "examples": text.examples,
            },
        },
    )


SENDERS = {"email": send_email, "webhook": send_webhook}
