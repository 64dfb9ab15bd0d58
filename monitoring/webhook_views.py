"""HTTP endpoints platforms push to; signatures are the authentication, so CSRF does not apply."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from monitoring.connectors.webhook import SIGNATURE_HEADER
from monitoring.webhooks import WebhookRejected, facebook_challenge, receive_inbound


def _rejected(error: WebhookRejected) -> JsonResponse:
    return JsonResponse({"error": error.reason}, status=error.status)


def _body(request: HttpRequest) -> bytes:
    """The body, refused unread when larger than allowed (under ASGI, promptly.body_limit refused it first)."""
    declared = request.headers.get("Content-Length") or "0"
    if not declared.isdigit() or int(declared) > settings.PROMPTLY_MAX_BODY_BYTES:
        raise WebhookRejected("request body too large", status=413)
    return request.body


@csrf_exempt
@require_POST
def inbound(request: HttpRequest, account_id: int) -> HttpResponse:
    try:
        stored = receive_inbound(
            account_id=account_id, body=_body(request), signature=request.headers.get(SIGNATURE_HEADER)
        )
    except WebhookRejected as error:
        return _rejected(error)
    return JsonResponse({"stored": stored})


@require_GET
def facebook(request: HttpRequest) -> HttpResponse:
    """The subscription check; deliveries (POST) are answered before Django, by monitoring.webhook_asgi."""
    try:
        challenge = facebook_challenge(
            mode=request.GET.get("hub.mode"),
            token=request.GET.get("hub.verify_token"),
            challenge=request.GET.get("hub.challenge"),
        )
    except WebhookRejected as error:
        return _rejected(error)
    return HttpResponse(challenge, content_type="text/plain")
