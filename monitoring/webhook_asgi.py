"""Facebook's webhook deliveries answered in ASGI directly, before Django's request and middleware machinery.

A burst is hundreds of deliveries a second at one URL: Django's request path (a thread per request, nine
middlewares) answered about 200 a second here, signature checks alone. Deliveries need none of it: no
session, cookie, CSRF or template; the signature is their authentication. The subscription check (GET)
and every other URL stay in Django.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.urls import reverse

from monitoring.webhook_batches import store_facebook_delivery
from monitoring.webhooks import WebhookRejected, verified_facebook_delivery

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def with_facebook_deliveries(django_app: ASGIApp) -> ASGIApp:
    """The Django app, with POSTs to the Facebook webhook URL answered by `facebook_delivery`."""
    path = reverse("webhooks:facebook")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == path:
            await facebook_delivery(scope, receive, send)
        else:
            await django_app(scope, receive, send)

    return app


async def facebook_delivery(scope: Scope, receive: Receive, send: Send) -> None:
    headers = dict(scope["headers"])
    answer: dict[str, int | str]
    signature = headers.get(b"x-hub-signature-256")
    try:
        body = await _body(receive)
        per_page = verified_facebook_delivery(body=body, signature=signature.decode("latin-1") if signature else None)
        status, answer = 200, {"stored": await store_facebook_delivery(per_page)}
    except WebhookRejected as error:
        status, answer = error.status, {"error": error.reason}
    content = json.dumps(answer).encode()
    response_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": content})


async def _body(receive: Receive) -> bytes:
    """The whole body (promptly.body_limit, in front of this app, refused one larger than allowed)."""
    parts = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise WebhookRejected("the sender left", status=400)
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)
