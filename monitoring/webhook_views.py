"""HTTP endpoints platforms push to; signatures are the authentication, so CSRF does not apply."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from monitoring.connectors.webhook import SIGNATURE_HEADER
from monitoring.webhook_batches import store_facebook_delivery
from monitoring.webhooks import WebhookRejected, facebook_challenge, receive_inbound, verified_facebook_delivery


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


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def facebook(request: HttpRequest) -> HttpResponse:
    """Async, so a burst of deliveries waits on the next batch (webhook_batches) instead of on request threads."""
    try:
        if request.method == "GET":
            challenge = facebook_challenge(
                mode=request.GET.get("hub.mode"),
                token=request.GET.get("hub.verify_token"),
                challenge=request.GET.get("hub.challenge"),
            )
            return HttpResponse(challenge, content_type="text/plain")
        per_page = verified_facebook_delivery(body=_body(request), signature=request.headers.get("X-Hub-Signature-256"))
    except WebhookRejected as error:
        return _rejected(error)
    return JsonResponse({"stored": await store_facebook_delivery(per_page)})
