"""The sandbox's Graph API: the Page endpoints Promptly's Facebook connector calls through facebook-sdk.

Any version path (v21.0, v19.0, ...) or none is accepted. Objects: the Page, posts ({page}_{post}),
comments ({post}_{comment}), conversations (t_...), messages (m_...), people.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox import moderation, services
from sandbox.api.common import json_answer, platform_endpoint
from sandbox.api.graph_fields import FieldSpec, FieldSyntaxError, parse_fields
from sandbox.api.graph_format import (
    Context,
    GraphError,
    comment_json,
    comments_of,
    connection,
    conversation_json,
    conversations_page,
    fbtrace_id,
    message_json,
    messages_of,
    no_such_object,
    page_json,
    post_json,
    user_json,
)
from sandbox.faults import Kind, RequestFaults
from sandbox.models import (
    FacebookComment,
    FacebookConversation,
    FacebookMessage,
    FacebookPage,
    FacebookPost,
    FacebookUser,
)

VERSION = re.compile(r"^v\d+\.\d+$")
GraphObject = FacebookPage | FacebookPost | FacebookComment | FacebookConversation | FacebookMessage | FacebookUser


def failure(faults: RequestFaults) -> HttpResponse:
    if faults.failure == Kind.RATE_LIMIT:
        error = GraphError(
            "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, "
            "please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
            code=80001,
            status=403,
        )
        response = json_answer(error.body(), status=403)
        usage = {"type": "pages", "call_count": 100, "total_cputime": 10, "total_time": 10}
        usage["estimated_time_to_regain_access"] = math.ceil(faults.reset_seconds / 60)
        response["X-Business-Use-Case-Usage"] = json.dumps({"sandbox": [usage]})
        return response
    return server_error(faults.number)


def server_error(number: int) -> HttpResponse:
    """Graph's passing failures as they come: its JSON error (code 1 or 2, with fbtrace_id) with a 500, a 503
    or even a 200, or a bare HTML page from in front of Graph. facebook-sdk reads only the body."""
    variant = number % 4
    if variant == 1:
        return HttpResponse(
            "<html><body><h1>500 Internal Server Error</h1></body></html>", status=500, content_type="text/html"
        )
    if variant == 2:
        # Graph's "unknown error" arrives with HTTP 200 as often as not; only its body says it failed.
        return json_answer(GraphError("An unknown error occurred", code=1, subcode=99).body(), status=200)
    message, status = (
        ("Service temporarily unavailable", 503)
        if variant == 3
        else ("An unexpected error has occurred. Please retry your request later.", 500)
    )
    body = GraphError(message, code=2, status=status).body()
    body["error"]["is_transient"] = True
    return json_answer(body, status=status)


graph_endpoint = platform_endpoint(failure)


def _token(request: HttpRequest, params: dict[str, str]) -> str:
    header = request.headers.get("Authorization", "")
    for scheme in ("OAuth ", "Bearer "):
        if header.startswith(scheme):
            return header.removeprefix(scheme).strip()
    return params.get("access_token", "")


def _resolve(page: FacebookPage, object_id: str) -> GraphObject:
    """The object an id names, if the Page may see it."""
    found: GraphObject | None = None
    number = object_id[2:] if object_id[:2] in {"t_", "m_"} else object_id
    if object_id in {"me", str(page.id)}:
        found = page
    elif object_id.startswith("t_") and number.isdigit():
        found = FacebookConversation.objects.filter(pk=int(number), page=page).select_related("user").first()
    elif object_id.startswith("m_") and number.isdigit():
        found = (
            FacebookMessage.objects.filter(pk=int(number), conversation__page=page)
            .select_related("conversation__user")
            .first()
        )
    elif "_" in object_id:
        try:
            found = services.find_post(object_id)
        except services.UnknownObject:
            try:
                found = services.find_comment(object_id)
            except services.UnknownObject:
                found = None
        post = found if isinstance(found, FacebookPost) else found.post if found else None
        found = found if post is not None and services.page_sees(page, post) else None
    elif object_id.isdigit():
        found = FacebookUser.objects.filter(pk=int(object_id)).first()
    if found is None:
        raise no_such_object(object_id)
    return found


RENDERERS: dict[type, Any] = {
    FacebookPage: page_json,
    FacebookPost: post_json,
    FacebookComment: comment_json,
    FacebookConversation: conversation_json,
    FacebookMessage: message_json,
    FacebookUser: user_json,
}


def _edge_spec(edge: str, params: dict[str, str]) -> FieldSpec:
    modifiers = {
        key: params[key] for key in ("limit", "after", "before", "filter", "order", "summary") if key in params
    }
    fields = parse_fields(params["fields"]) if params.get("fields") else None
    return FieldSpec(edge, modifiers, fields)


def _get_edge(ctx: Context, owner: GraphObject, edge: str, params: dict[str, str]) -> dict[str, Any]:
    spec = _edge_spec(edge, params)
    if isinstance(owner, FacebookPage) and edge in {"feed", "posts", "visitor_posts", "tagged"}:
        posts = FacebookPost.objects.filter(page=owner).select_related("author", "page")
        if edge == "posts":
            posts = posts.filter(author__isnull=True)
        elif edge == "visitor_posts":
            posts = posts.filter(author__isnull=False)
        elif edge == "tagged":
            # Posts elsewhere (other Pages, people's timelines) that tag this Page.
            posts = FacebookPost.objects.filter(tagged_pages=owner).select_related("author", "page")
        fields = spec.subfields or []
        extra = {"fields": params["fields"]} if params.get("fields") else {}
        return connection(
            ctx,
            posts,
            path=f"{owner.id}/{edge}",
            params={**extra, **spec.modifiers},
            render=lambda post: post_json(post, fields, ctx),
            descending=True,
        )
    if isinstance(owner, FacebookPage) and edge == "conversations":
        specs = parse_fields(params["fields"]) if params.get("fields") else []
        return conversations_page(ctx, params, specs)
    if isinstance(owner, FacebookPost | FacebookComment) and edge == "comments":
        return comments_of(ctx, spec, owner)
    if isinstance(owner, FacebookConversation) and edge == "messages":
        return messages_of(ctx, spec, owner)
    node = type(owner).__name__.removeprefix("Facebook")
    raise GraphError(f"(#100) Tried accessing nonexisting field ({edge}) on node type ({node})", code=100)


def _post_edge(ctx: Context, owner: GraphObject, edge: str, params: dict[str, str]) -> dict[str, Any]:
    if isinstance(owner, FacebookPost | FacebookComment) and edge == "comments":
        message = params.get("message", "").strip()
        if not message:
            raise GraphError("(#100) Missing message or attachment", code=100)
        comment = services.post_comment(on=owner.graph_id, message=message, by_page=ctx.page)
        return {"id": comment.graph_id}
    if isinstance(owner, FacebookComment) and edge == "likes":
        moderation.like_comment(owner, liked=True)
        return {"success": True}
    if isinstance(owner, FacebookPage) and edge == "messages":
        return _send_api(ctx, params)
    if isinstance(owner, FacebookPage) and edge == "feed":
        message = params.get("message", "").strip()
        if not message:
            raise GraphError("(#100) Missing message or attachment", code=100)
        return {"id": services.publish_page_post(page_id=owner.id, message=message).graph_id}
    raise GraphError(f"(#100) Unsupported post request on ({edge})", code=100, kind="GraphMethodException", subcode=33)


def _post_object(owner: GraphObject, params: dict[str, str]) -> dict[str, Any]:
    """POST /{comment-id} is_hidden=true|false: hide or unhide a comment on the Page's posts."""
    if not isinstance(owner, FacebookComment) or params.get("is_hidden") not in {"true", "false"}:
        raise GraphError("(#100) Unsupported post request", code=100, kind="GraphMethodException", subcode=33)
    try:
        moderation.hide_comment(owner, hidden=params["is_hidden"] == "true")
    except moderation.NotAllowed as refusal:
        raise GraphError(str(refusal), code=100) from None
    return {"success": True}


def _delete(owner: GraphObject, parts: list[str]) -> dict[str, Any]:
    """DELETE /{comment-id} and DELETE /{comment-id}/likes (the Page's like)."""
    if isinstance(owner, FacebookComment) and len(parts) == 1:
        moderation.delete_comment(owner)
        return {"success": True}
    if isinstance(owner, FacebookComment) and parts[1] == "likes":
        moderation.like_comment(owner, liked=False)
        return {"success": True}
    raise GraphError("(#100) Unsupported delete request", code=100, kind="GraphMethodException", subcode=33)


def _send_api(ctx: Context, params: dict[str, str]) -> dict[str, Any]:
    """POST /{page-id}/messages: recipient and message are JSON strings; RESPONSE only inside 24 hours."""
    try:
        recipient = json.loads(params.get("recipient", ""))
        message = json.loads(params.get("message", ""))
    except ValueError:
        raise GraphError("(#100) param recipient and message must be JSON objects", code=100) from None
    if params.get("messaging_type") not in {"RESPONSE", "UPDATE", "MESSAGE_TAG"}:
        raise GraphError("(#100) The parameter messaging_type is required", code=100)
    text = message.get("text", "") if isinstance(message, dict) else ""
    if not text:
        raise GraphError("(#100) Param message[text] must be non-empty.", code=100)
    recipient = recipient if isinstance(recipient, dict) else {}
    recipient_id = str(recipient.get("id", ""))
    try:
        if recipient.get("comment_id"):
            sent = services.page_private_reply(page=ctx.page, comment_id=str(recipient["comment_id"]), text=text)
            recipient_id = str(sent.conversation.user_id)
        else:
            sent = services.page_reply_message(page=ctx.page, recipient_id=recipient_id, text=text)
    except services.UnknownObject:
        raise GraphError("(#100) No matching user found", code=100, subcode=2018001) from None
    except services.OutsideMessagingWindow:
        raise GraphError(
            "(#10) This message is sent outside of allowed window. Learn more about the new policy here: "
            "https://developers.facebook.com/docs/messenger-platform/policy-overview",
            code=10,
            subcode=2018278,
        ) from None
    return {"recipient_id": recipient_id, "message_id": sent.graph_id}


@graph_endpoint
def graph_api(request: HttpRequest, rest: str, *, faults: RequestFaults) -> HttpResponse:
    """Every Graph path: GET /{id}, GET /{id}/{edge}, POST /{id}, POST /{id}/{edge}, DELETE /{id}[/likes]."""
    parts = [part for part in rest.split("/") if part]
    prefix = request.path[: len(request.path) - len(rest)].rstrip("/")
    version = parts.pop(0) if parts and VERSION.match(parts[0]) else ""
    params = {**request.GET.dict(), **(request.POST.dict() if request.method == "POST" else {})}
    page = FacebookPage.objects.filter(page_token=_token(request, params)).first() if _token(request, params) else None
    if page is None:
        error = GraphError("Invalid OAuth access token - Cannot parse access token", code=190)
        response = json_answer(error.body(), status=400)
        response["WWW-Authenticate"] = (
            'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"'
        )
        return response
    base = request.build_absolute_uri(f"{prefix}/{version}" if version else prefix)
    ctx = Context(page=page, base=base, token=_token(request, params), faults=faults)
    try:
        body = _dispatch(request, ctx, parts, params)
    except FieldSyntaxError as error:
        body, status = GraphError(str(error), code=2500).body(), 400
    except GraphError as error:
        body, status = error.body(), error.status
    else:
        status = 200
    faults.save_log()
    response = json_answer(body, status=status)
    response["x-fb-trace-id"] = fbtrace_id()
    return response


def _dispatch(request: HttpRequest, ctx: Context, parts: list[str], params: dict[str, str]) -> dict[str, Any]:
    if not parts or len(parts) > 2:
        raise GraphError("Unknown path components: /" + "/".join(parts[2:]), code=2500)
    owner = _resolve(ctx.page, parts[0])
    if request.method == "DELETE":
        return _delete(owner, parts)
    if request.method == "POST":
        if len(parts) == 1:
            return _post_object(owner, params)
        return _post_edge(ctx, owner, parts[1], params)
    if len(parts) == 2:
        return _get_edge(ctx, owner, parts[1], params)
    specs = parse_fields(params["fields"]) if params.get("fields") else []
    rendered: dict[str, Any] = RENDERERS[type(owner)](owner, specs, ctx)
    return rendered
