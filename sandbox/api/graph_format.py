"""Graph API JSON as Facebook writes it: objects with requested fields, cursor-paged connections, errors."""

from __future__ import annotations

import base64
import secrets
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from sandbox.api.graph_fields import FieldSpec
from sandbox.faults import Kind, RequestFaults
from sandbox.models import (
    FacebookComment,
    FacebookConversation,
    FacebookMessage,
    FacebookPage,
    FacebookPost,
    FacebookUser,
)

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


class GraphError(Exception):
    """An error Graph answers with {"error": {...}} (HTTP 400 unless said otherwise)."""

    def __init__(self, message: str, *, code: int, kind: str = "OAuthException", subcode: int = 0, status: int = 400):
        super().__init__(message)
        self.message, self.code, self.kind, self.subcode, self.status = message, code, kind, subcode, status

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.code}
        if self.subcode:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = fbtrace_id()
        return {"error": error}


def fbtrace_id() -> str:
    return secrets.token_urlsafe(8).replace("-", "A").replace("_", "B")


def no_such_object(object_id: str) -> GraphError:
    return GraphError(
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation. Please read the Graph API documentation at "
        "https://developers.facebook.com/docs/graph-api",
        code=100,
        kind="GraphMethodException",
        subcode=33,
    )


def graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"sandbox:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(text.removeprefix("sandbox:"))
    except ValueError:
        raise GraphError("(#100) The after/before cursor is not valid", code=100) from None


def unparse(specs: list[FieldSpec]) -> str:
    parts = []
    for spec in specs:
        text = spec.name + "".join(f".{name}({value})" for name, value in spec.modifiers.items())
        if spec.subfields is not None:
            text += "{" + unparse(spec.subfields) + "}"
        parts.append(text)
    return ",".join(parts)


@dataclass
class Context:
    page: FacebookPage
    base: str  # absolute URL of the versioned Graph root, e.g. http://host/sandbox/graph/v21.0
    token: str
    faults: RequestFaults

    def maybe_malformed(self, item: dict[str, Any], item_id: str) -> dict[str, Any]:
        if not self.faults.is_malformed(item_id):
            return item
        self.faults.note(Kind.MALFORMED, item_id)
        broken = dict(item)
        if self.faults.choose(item_id, 2) == 0:
            broken.pop("id", None)
        else:
            broken["created_time"] = "2024-13-45T25:61:00+0000"
        return broken


Renderer = Callable[[Any, list[FieldSpec], Context], dict[str, Any]]


def _specs(specs: list[FieldSpec] | None, *defaults: str) -> list[FieldSpec]:
    return specs if specs else [FieldSpec(name) for name in defaults]


def connection(
    ctx: Context,
    queryset: QuerySet[Any],
    *,
    path: str,
    params: dict[str, str],
    render: Callable[[Any], dict[str, Any]],
    descending: bool,
    summary: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One cursor page of an edge. A duplicate fault makes `after` inclusive (the last item comes again)."""
    raw_limit = params.get("limit", str(DEFAULT_LIMIT))
    limit = min(max(int(raw_limit), 1), MAX_LIMIT) if raw_limit.isdigit() else DEFAULT_LIMIT
    after, before = params.get("after"), params.get("before")
    forward = before is None
    duplicate = ctx.faults.duplicate and after is not None
    if after is not None:
        key = decode_cursor(after)
        lookup = ("lte" if duplicate else "lt") if descending else ("gte" if duplicate else "gt")
        queryset = queryset.filter(**{f"pk__{lookup}": key})
    elif before is not None:
        key = decode_cursor(before)
        queryset = queryset.filter(**{"pk__gt" if descending else "pk__lt": key})
    ascending_now = descending != forward
    items = list(queryset.order_by("pk" if ascending_now else "-pk")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    if not forward:
        items.reverse()
    if duplicate and items and items[0].pk == decode_cursor(after or ""):
        ctx.faults.note(Kind.DUPLICATE, str(items[0].pk))
    body: dict[str, Any] = {"data": [ctx.maybe_malformed(render(item), str(item.pk)) for item in items]}
    if items:
        paging: dict[str, Any] = {
            "cursors": {"before": encode_cursor(items[0].pk), "after": encode_cursor(items[-1].pk)}
        }
        query = {k: v for k, v in params.items() if k not in {"after", "before", "access_token"}}
        query.update({"access_token": ctx.token, "limit": str(limit)})
        if more or not forward:
            paging["next"] = f"{ctx.base}/{path}?" + urllib.parse.urlencode(
                {**query, "after": encode_cursor(items[-1].pk)}
            )
        if after is not None or (more and not forward):
            paging["previous"] = f"{ctx.base}/{path}?" + urllib.parse.urlencode(
                {**query, "before": encode_cursor(items[0].pk)}
            )
        body["paging"] = paging
    if summary is not None:
        body["summary"] = summary
    return body


def nested_connection(
    ctx: Context, spec: FieldSpec, owner_id: str, edge: str, queryset: QuerySet[Any], **kw: Any
) -> Any:
    params = dict(spec.modifiers)
    if spec.subfields:
        params["fields"] = unparse(spec.subfields)
    return connection(ctx, queryset, path=f"{owner_id}/{edge}", params=params, **kw)


def page_json(page: FacebookPage, specs: list[FieldSpec], ctx: Context) -> dict[str, Any]:
    values = {
        "id": str(page.id),
        "name": page.name,
        "username": page.username,
        "link": f"https://www.facebook.com/{page.username}",
    }
    return {spec.name: values[spec.name] for spec in _specs(specs, "name", "id") if spec.name in values}


def user_json(user: FacebookUser, specs: list[FieldSpec], ctx: Context) -> dict[str, Any]:
    values = {"id": str(user.id), "name": user.name}
    return {spec.name: values[spec.name] for spec in _specs(specs, "name", "id") if spec.name in values}


def _author(post_or_comment: FacebookPost | FacebookComment) -> dict[str, str]:
    """A person, or the Page that wrote it: the post's own Page unless another Page commented (by_page)."""
    if post_or_comment.author is None:
        if isinstance(post_or_comment, FacebookComment):
            page = post_or_comment.by_page or post_or_comment.post.page
        else:
            page = post_or_comment.page
        return {"name": page.name, "id": str(page.id)}
    return {"name": post_or_comment.author.name, "id": str(post_or_comment.author_id)}


def comments_of(ctx: Context, spec: FieldSpec, owner: FacebookPost | FacebookComment) -> dict[str, Any]:
    """The `comments` edge of a post (filter toplevel or stream) or of a comment (its replies)."""
    modifiers = spec.modifiers
    if isinstance(owner, FacebookPost):
        queryset = FacebookComment.objects.filter(post=owner)
        if modifiers.get("filter", "toplevel") != "stream":
            queryset = queryset.filter(parent__isnull=True)
        owner_id = owner.graph_id
    else:
        queryset, owner_id = FacebookComment.objects.filter(parent=owner), owner.graph_id
    queryset = queryset.select_related("author", "by_page", "post__page", "parent__author")
    order = modifiers.get("order", "chronological")
    summary = None
    if modifiers.get("summary") in {"true", "1", "total_count"}:
        summary = {"order": order, "total_count": queryset.count(), "can_comment": True}
    subfields = _specs(spec.subfields, "created_time", "from", "message", "id")
    return nested_connection(
        ctx,
        spec,
        owner_id,
        "comments",
        queryset,
        render=lambda comment: comment_json(comment, subfields, ctx),
        descending=order == "reverse_chronological",
        summary=summary,
    )


def post_json(post: FacebookPost, specs: list[FieldSpec], ctx: Context) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for spec in _specs(specs, "created_time", "message", "id"):
        name = spec.name
        if name == "id":
            body["id"] = post.graph_id
        elif name == "message":
            body["message"] = post.message
        elif name in {"created_time", "updated_time"}:
            body[name] = graph_time(post.created_time)
        elif name == "from":
            body["from"] = _author(post)
        elif name == "permalink_url":
            body["permalink_url"] = f"https://www.facebook.com/{post.page_id}/posts/{post.id}"
        elif name == "status_type":
            body["status_type"] = "mobile_status_update"
        elif name == "is_published":
            body["is_published"] = True
        elif name == "comments":
            body["comments"] = comments_of(ctx, spec, post)
    return body


def comment_json(comment: FacebookComment, specs: list[FieldSpec], ctx: Context) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for spec in _specs(specs, "created_time", "from", "message", "id"):
        name = spec.name
        if name == "id":
            body["id"] = comment.graph_id
        elif name == "message":
            body["message"] = comment.message
        elif name == "created_time":
            body["created_time"] = graph_time(comment.created_time)
        elif name == "from" and not comment.hide_author:
            body["from"] = _author(comment)
        elif name == "parent" and comment.parent is not None:
            body["parent"] = comment_json(
                comment.parent, _specs(spec.subfields, "created_time", "from", "message", "id"), ctx
            )
        elif name == "permalink_url":
            body["permalink_url"] = (
                f"https://www.facebook.com/{comment.post.page_id}/posts/{comment.post_id}?comment_id={comment.id}"
            )
        elif name == "comment_count":
            body["comment_count"] = comment.replies.count()
        elif name == "like_count":
            body["like_count"] = 0
        elif name == "is_hidden":
            body["is_hidden"] = comment.is_hidden
        elif name == "can_reply_privately":
            body["can_reply_privately"] = comment.author_id is not None
        elif name == "comments" and comment.parent_id is None:
            body["comments"] = comments_of(ctx, spec, comment)
    return body


def _participant(user: FacebookUser) -> dict[str, str]:
    return {"name": user.name, "email": f"{user.id}@facebook.com", "id": str(user.id)}


def message_json(message: FacebookMessage, specs: list[FieldSpec], ctx: Context) -> dict[str, Any]:
    page = {"name": ctx.page.name, "email": f"{ctx.page.id}@facebook.com", "id": str(ctx.page.id)}
    person = _participant(message.conversation.user)
    sender, receiver = (page, person) if message.from_page else (person, page)
    values = {
        "id": message.graph_id,
        "created_time": graph_time(message.created_time),
        "message": message.text,
        "from": sender,
        "to": {"data": [receiver]},
    }
    return {spec.name: values[spec.name] for spec in _specs(specs, "id", "created_time") if spec.name in values}


def messages_of(ctx: Context, spec: FieldSpec, conversation: FacebookConversation) -> dict[str, Any]:
    subfields = _specs(spec.subfields, "id", "created_time")
    queryset = FacebookMessage.objects.filter(conversation=conversation).select_related("conversation__user")
    return nested_connection(
        ctx,
        spec,
        conversation.graph_id,
        "messages",
        queryset,
        render=lambda message: message_json(message, subfields, ctx),
        descending=True,
    )


def conversation_json(conversation: FacebookConversation, specs: list[FieldSpec], ctx: Context) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for spec in _specs(specs, "id", "updated_time"):
        name = spec.name
        if name == "id":
            body["id"] = conversation.graph_id
        elif name == "updated_time":
            body["updated_time"] = graph_time(conversation.updated_time)
        elif name == "link":
            body["link"] = f"/{ctx.page.username}/inbox/{conversation.id}/"
        elif name == "message_count":
            body["message_count"] = conversation.messages.count()
        elif name == "participants":
            page = {"name": ctx.page.name, "email": f"{ctx.page.id}@facebook.com", "id": str(ctx.page.id)}
            body["participants"] = {"data": [_participant(conversation.user), page]}
        elif name == "messages":
            body["messages"] = messages_of(ctx, spec, conversation)
    return body


def conversations_page(ctx: Context, params: dict[str, str], specs: list[FieldSpec]) -> dict[str, Any]:
    """The Page's conversations, most recently updated first; cursors are offsets, as the order moves."""
    raw_limit = params.get("limit", str(DEFAULT_LIMIT))
    limit = min(max(int(raw_limit), 1), MAX_LIMIT) if raw_limit.isdigit() else DEFAULT_LIMIT
    start = decode_cursor(params["after"]) + 1 if params.get("after") else 0
    if ctx.faults.duplicate and start > 0:
        start -= 1
        ctx.faults.note(Kind.DUPLICATE, f"conversation-offset-{start}")
    queryset = (
        FacebookConversation.objects.filter(page=ctx.page).select_related("user").order_by("-updated_time", "-pk")
    )
    if params.get("user_id"):
        # Graph narrows a Page's conversations to one person with user_id (their page-scoped id).
        user_id = params["user_id"]
        queryset = queryset.filter(user_id=int(user_id)) if user_id.isdigit() else queryset.none()
    items = list(queryset[start : start + limit + 1])
    more = len(items) > limit
    items = items[:limit]
    body: dict[str, Any] = {"data": [conversation_json(item, specs, ctx) for item in items]}
    if items:
        last = start + len(items) - 1
        paging: dict[str, Any] = {"cursors": {"before": encode_cursor(start), "after": encode_cursor(last)}}
        if more:
            query = {k: v for k, v in params.items() if k not in {"after", "before", "access_token"}}
            query.update({"access_token": ctx.token, "limit": str(limit), "after": encode_cursor(last)})
            paging["next"] = f"{ctx.base}/{ctx.page.id}/conversations?" + urllib.parse.urlencode(query)
        body["paging"] = paging
    return body
