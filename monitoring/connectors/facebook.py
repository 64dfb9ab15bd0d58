"""Facebook Pages through facebook-sdk's GraphAPI: posts, comments and replies, visitors' posts, Messenger."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import facebook
import requests
from django.conf import settings
from django.utils import timezone

from monitoring.connectors.base import (
    DeliveryInDoubt,
    DeliveryRefused,
    FetchResult,
    InboundAuthor,
    InboundMessage,
    Moderation,
    ModerationRefused,
    OutboundReply,
    PlatformUnavailable,
    QuarantinedPayload,
    SentReceipt,
)
from monitoring.connectors.http import graph_session
from monitoring.connectors.parsing import ItemError, bounded_text, comparable_text, item_id_of, parse_time
from monitoring.connectors.retry import Retrying

POST_FIELDS = "id,message,story,created_time,from,permalink_url"
COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"
MESSAGE_FIELDS = "id,message,created_time,from,to"
RECENT_POSTS = 25
# Older posts read per poll beyond the newest page, in pages of RECENT_POSTS (each post costs a comments call).
OLDER_POST_PAGES_PER_POLL = 1
OLDER_POSTS = "older_posts"
MAX_PAGES = 20
# Comments and messages are re-read from a little before the last poll: clocks drift, duplicates are free.
OVERLAP = timedelta(minutes=5)
# Application, user, Page and business-use-case rate limits (80001-80014 are the per-Page ones).
RATE_LIMIT_CODES = {4, 17, 32, 613, *range(80000, 80015)}
TRANSIENT_CODES = {1, 2} | RATE_LIMIT_CODES
OUTSIDE_WINDOW_SUBCODES = {2018278, 2534022}
WEBHOOK_STREAM = "page_webhook"
MAX_WEBHOOK_ENTRIES = 1000
FEED_ITEMS = {"comment", "post", "status", "photo", "video", "share"}
# The Page's own posts, visitors' posts on it, and posts elsewhere that tag it: each with its comments.
POST_STREAMS = ("posts", "visitor_posts", "tagged")
# Graph's answer for an object that does not exist (or that the token may not see): code 100, subcode 33.
NO_SUCH_OBJECT = (100, 33)


def _after_cursor(body: dict[str, Any]) -> str | None:
    """The cursor of the next page of an edge, None on its last page."""
    paging = body.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after")
    return str(after) if after and paging.get("next") else None


@dataclass(frozen=True)
class OlderPostsWalk:
    """Where the walk through a Page's older posts stands, kept in the stream's position between polls.

    A walk starts after the newest page and goes down page by page, reading each post's comments since
    the previous walk began: every post was read then or later (on the newest page, or by that walk),
    so nothing written since is skipped. The first walk reads comments since it began itself.
    """

    after: str | None  # the next page to read; None: this walk is done, the next poll starts another
    started: int  # when this walk began (epoch seconds)
    comments_since: int

    @classmethod
    def resume(cls, saved: Any, *, first_after: str | None) -> OlderPostsWalk:
        saved = saved if isinstance(saved, dict) else {}
        try:
            walk = cls(saved.get("after"), int(saved["started"]), int(saved["comments_since"]))
        except (KeyError, TypeError, ValueError):
            walk = None
        if walk is not None and walk.after is not None:
            return walk
        now = int((timezone.now() - OVERLAP).timestamp())
        previous = walk.started if walk is not None else now
        return cls(after=first_after, started=now, comments_since=previous)

    def moved_to(self, after: str | None) -> OlderPostsWalk:
        return OlderPostsWalk(after=after, started=self.started, comments_since=self.comments_since)

    def as_position(self) -> dict[str, Any]:
        return {"after": self.after, "started": self.started, "comments_since": self.comments_since}


def _author(sender: Any) -> InboundAuthor | None:
    """Graph leaves out `from` when the commenter's privacy hides them: the author is then unknown."""
    if not isinstance(sender, dict) or not sender.get("id"):
        return None
    return InboundAuthor(external_id=str(sender["id"]), name=bounded_text(sender.get("name"), 300))


def _object_id(item: Any, kind: str) -> str:
    if not isinstance(item, dict):
        raise ItemError(f"{kind} is not an object")
    object_id = item.get("id")
    if not isinstance(object_id, str | int) or not str(object_id).strip():
        raise ItemError(f"{kind} has no id")
    return str(object_id)


def _url(item: dict[str, Any], object_id: str) -> str:
    link = item.get("permalink_url")
    if isinstance(link, str) and link.startswith("https://"):
        return link[:2000]
    return f"https://www.facebook.com/{object_id}"


def parse_post(item: Any, *, page_id: str) -> InboundMessage:
    post_id = _object_id(item, "post")
    author = _author(item.get("from"))
    return InboundMessage(
        external_id=post_id,
        thread_key=post_id,
        visibility="public",
        text=bounded_text(item.get("message")) or bounded_text(item.get("story")),
        platform_time=parse_time(item.get("created_time")),
        author=author,
        url=_url(item, post_id),
        is_from_brand=author is not None and author.external_id == page_id,
        raw=item,
    )


def parse_comment(item: Any, *, post_id: str, page_id: str) -> InboundMessage:
    """Post → comment → reply: every comment threads under its post, answering its parent."""
    comment_id = _object_id(item, "comment")
    author = _author(item.get("from"))
    parent = item.get("parent")
    parent_id = str(parent["id"]) if isinstance(parent, dict) and parent.get("id") else post_id
    return InboundMessage(
        external_id=comment_id,
        thread_key=post_id,
        visibility="public",
        text=bounded_text(item.get("message")),
        platform_time=parse_time(item.get("created_time")),
        author=author,
        url=_url(item, comment_id),
        in_reply_to=parent_id,
        is_from_brand=author is not None and author.external_id == page_id,
        raw=item,
    )


def comment_thread_root(object_id: str, parent_id: str) -> str:
    """Where a Page's public answer to this post or comment goes: Facebook threads comments one level deep,
    so an answer to a reply goes under the reply's top-level comment.

    A comment's id is "{post}_{comment}" and a post's "{page}_{post}": a comment whose parent's id starts
    with the same post part is a reply, and its parent is the top-level comment.
    """
    post_part = object_id.partition("_")[0]
    if parent_id and parent_id != object_id and "_" in parent_id and parent_id.partition("_")[0] == post_part:
        return parent_id
    return object_id


def messenger_thread_key(psid: str) -> str:
    return f"dm:{psid}"


def parse_message(item: Any, *, customer_id: str, page_id: str) -> InboundMessage:
    message_id = _object_id(item, "message")
    author = _author(item.get("from"))
    return InboundMessage(
        external_id=message_id,
        thread_key=messenger_thread_key(customer_id),
        visibility="private",
        text=bounded_text(item.get("message")),
        platform_time=parse_time(item.get("created_time")),
        author=author,
        is_from_brand=author is not None and author.external_id == page_id,
        raw=item,
    )


def _quarantined(item: Any, reason: str, **context: str) -> QuarantinedPayload:
    raw = json.dumps({"item": item, **context}, default=str)[:100_000]
    return QuarantinedPayload(raw=raw, reason=reason, item_id=graph_item_id(item))


def graph_item_id(item: Any) -> str:
    """The Graph id of a polled object, a webhook feed change or a Messenger event: the same for one item."""
    if isinstance(item, dict) and isinstance(item.get("message"), dict):
        return item_id_of(item["message"], "mid")
    if isinstance(item, dict) and item.get("item") == "comment":
        return item_id_of(item, "comment_id")
    return item_id_of(item, "id", "post_id")


def regain_access_at(usage_header: str) -> datetime | None:
    """When a rate-limited Page may call again: X-Business-Use-Case-Usage says in how many minutes."""
    try:
        usage = json.loads(usage_header)
        minutes = max(
            int(entry.get("estimated_time_to_regain_access") or 0) for entries in usage.values() for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return timezone.now() + timedelta(minutes=minutes) if minutes > 0 else None


def _unavailable(error: Exception, *, usage_header: str = "") -> PlatformUnavailable:
    if isinstance(error, facebook.GraphAPIError) and error.code in RATE_LIMIT_CODES:
        return PlatformUnavailable(
            f"Facebook rate limit reached: {str(error.message)[:300]}", retry_after=regain_access_at(usage_header)
        )
    if isinstance(error, facebook.GraphAPIError) and isinstance(error.result, dict):
        return PlatformUnavailable(f"Facebook answered an error: {str(error.message)[:300]}")
    # facebook-sdk never looks at the HTTP status: a 5xx page with HTML arrives as an odd exception.
    return PlatformUnavailable(f"Facebook could not be reached or answered garbage: {error.__class__.__name__}")


# What facebook-sdk raises when Graph answers a non-JSON body, has no content type, or cannot be reached.
GRAPH_FAULTS = (facebook.GraphAPIError, requests.RequestException, KeyError, ValueError)


def is_passing(error: Exception) -> bool:
    """A Graph fault worth trying again at once: a 5xx-style error (codes 1 and 2, or Graph's own is_transient),
    a body that is not Graph's JSON (an HTML error page), a dropped connection. Not a rate limit (the Page
    waits until access is regained), a refused token or permission, or a timeout (it held the poll already).

    facebook-sdk never looks at the HTTP status: Graph's error body raises GraphAPIError whether it came
    with a 500 or a 200.
    """
    if isinstance(error, facebook.GraphAPIError):
        details = error.result.get("error") if isinstance(error.result, dict) else None
        if not isinstance(details, dict):
            return True  # not Graph's error shape: an error page or garbage in front of Graph
        return error.code not in RATE_LIMIT_CODES and (error.code in {1, 2} or details.get("is_transient") is True)
    if isinstance(error, requests.Timeout):
        return False
    return isinstance(error, requests.RequestException | KeyError | ValueError)


class FacebookConnector:
    def __init__(self, *, page_id: str, page_token: str, retrying: Retrying | None = None) -> None:
        self.page_id = page_id
        self.retrying = retrying or Retrying.from_settings()
        self.version = settings.PROMPTLY_GRAPH_VERSION
        # facebook-sdk's own version check stops at 3.1; the version goes into every path instead.
        session = graph_session()
        # facebook-sdk hides the response from its errors; the rate-limit headers are kept from here.
        self.usage_header = ""
        session.hooks["response"].append(self._remember_usage)
        self.graph = facebook.GraphAPI(access_token=page_token, session=session)

    def _remember_usage(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.usage_header = response.headers.get("X-Business-Use-Case-Usage", "")

    def streams(self) -> list[str]:
        return [*POST_STREAMS, "conversations"]

    def _get(self, path: str, **args: Any) -> dict[str, Any]:
        """One read, tried again after a passing fault (see is_passing)."""
        query = {k: str(v) for k, v in args.items()}

        def read() -> dict[str, Any]:
            result = self.graph.request(f"{self.version}/{path}", args=dict(query))
            if not isinstance(result, dict):
                raise ValueError("Graph answered something that is not an object")
            return result

        return self.retrying.call(read, errors=GRAPH_FAULTS, transient=is_passing)

    def _pages(self, path: str, **args: Any) -> Iterator[Any]:
        """Every item of an edge, following the `after` cursor (bounded)."""
        for _ in range(MAX_PAGES):
            body = self._get(path, **args)
            yield from body.get("data") or []
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                return
            args["after"] = after

    def fetch(self, stream: str, position: dict[str, Any]) -> FetchResult:
        """A poll of one stream. A fault that outlasts the retries ends it, keeping what it had read: those
        items come back with an empty position (the stream starts again from its stored one; reading them
        twice is free) and the fault, which pauses the stream once they are stored."""
        if stream not in (*POST_STREAMS, "conversations"):
            raise ValueError(f"Facebook has no stream {stream!r}")
        started = timezone.now()
        result = FetchResult()
        try:
            if stream == "conversations":
                self._fetch_conversations(result, position)
            else:
                self._fetch_posts(result, stream, position)
        except GRAPH_FAULTS as error:
            fault = _unavailable(error, usage_header=self.usage_header)
            if not result.messages and not result.quarantined:
                raise fault from error
            result.position, result.fault = {}, fault
            return result
        result.position = {**result.position, "since": int((started - OVERLAP).timestamp())}
        return result

    def _fetch_posts(self, result: FetchResult, stream: str, position: dict[str, Any]) -> None:
        """The newest posts with every comment or reply since the last poll, and a page of older posts.

        People comment on old posts too: each poll also reads the next page of a walk through the older
        posts (OLDER_POST_PAGES_PER_POLL, its cursor in the position), with their comments since the
        previous walk began, so no comment is missed however far down its post has slipped.
        `tagged` is the posts of others that tag the Page (its mentions), read the same way.
        """
        newest = self._get(f"{self.page_id}/{stream}", fields=POST_FIELDS, limit=RECENT_POSTS)
        self._read_posts(result, newest.get("data") or [], comments_since=position.get("since"))
        walk = OlderPostsWalk.resume(position.get(OLDER_POSTS), first_after=_after_cursor(newest))
        for _ in range(OLDER_POST_PAGES_PER_POLL):
            if walk.after is None:
                break
            older = self._get(f"{self.page_id}/{stream}", fields=POST_FIELDS, limit=RECENT_POSTS, after=walk.after)
            self._read_posts(result, older.get("data") or [], comments_since=walk.comments_since, older=True)
            walk = walk.moved_to(_after_cursor(older))
        result.position = {OLDER_POSTS: walk.as_position()}

    def _read_posts(
        self, result: FetchResult, posts: list[Any], *, comments_since: int | None, older: bool = False
    ) -> None:
        """The posts and their comments since `comments_since`; of older posts, only those written since then.

        A walk through older posts is a look for new comments, not a backfill of the Page's history.
        """
        for post in posts:
            try:
                message = parse_post(post, page_id=self.page_id)
            except ItemError as error:
                result.quarantined.append(_quarantined(post, str(error)))
                continue
            if not older or comments_since is None or message.platform_time.timestamp() >= comments_since:
                result.messages.append(message)
            comment_args: dict[str, Any] = {"fields": COMMENT_FIELDS, "filter": "stream", "limit": 100}
            if comments_since:
                comment_args["since"] = comments_since
            for comment in self._pages(f"{message.external_id}/comments", **comment_args):
                try:
                    result.messages.append(parse_comment(comment, post_id=message.external_id, page_id=self.page_id))
                except ItemError as error:
                    result.quarantined.append(_quarantined(comment, str(error), post_id=message.external_id))

    def _fetch_conversations(self, result: FetchResult, position: dict[str, Any]) -> None:
        since = parse_time(position["since"]) if position.get("since") else None
        body = self._get(f"{self.page_id}/conversations", fields="id,updated_time,participants", limit=RECENT_POSTS)
        for conversation in body.get("data") or []:
            if not isinstance(conversation, dict) or not conversation.get("id"):
                result.quarantined.append(_quarantined(conversation, "conversation has no id"))
                continue
            if since and parse_time(conversation.get("updated_time")) < since:
                continue
            customer = self._customer(conversation)
            for item in self._get(f"{conversation['id']}/messages", fields=MESSAGE_FIELDS, limit=50).get("data") or []:
                try:
                    result.messages.append(parse_message(item, customer_id=customer, page_id=self.page_id))
                except ItemError as error:
                    result.quarantined.append(_quarantined(item, str(error), customer_id=customer))

    def _customer(self, conversation: dict[str, Any]) -> str:
        participants = (conversation.get("participants") or {}).get("data") or []
        for participant in participants:
            if isinstance(participant, dict) and participant.get("id") and str(participant["id"]) != self.page_id:
                return str(participant["id"])
        return str(conversation["id"])

    def send(self, reply: OutboundReply) -> SentReceipt:
        try:
            if reply.visibility == "private":
                body = self._post(f"{self.page_id}/messages", self._messenger_args(reply))
                return SentReceipt(external_id=str(body["message_id"]), url=self.inbox_url(_customer_of(reply)))
            body = self._post(f"{reply.in_reply_to}/comments", {"message": reply.text})
        except facebook.GraphAPIError as error:
            if isinstance(error.result, dict) and error.code not in TRANSIENT_CODES:
                raise _refusal(error, reply) from error
            raise _unavailable(error, usage_header=self.usage_header) from error
        except GRAPH_FAULTS as error:
            raise _unavailable(error) from error
        return SentReceipt(external_id=str(body["id"]), url=f"https://www.facebook.com/{body['id']}")

    def _post(self, path: str, post_args: dict[str, str]) -> dict[str, Any]:
        result = self.graph.request(f"{self.version}/{path}", post_args=post_args)
        if not isinstance(result, dict):
            raise ValueError("Graph answered something that is not an object")
        return result

    def _messenger_args(self, reply: OutboundReply) -> dict[str, str]:
        # A public comment answered privately is a "private reply": Messenger addresses it by the comment,
        # since a commenter has no Messenger conversation with the Page until then.
        recipient = {"comment_id": reply.in_reply_to} if _is_private_reply(reply) else {"id": _customer_of(reply)}
        # facebook-sdk form-encodes nested dicts wrongly: the Send API gets JSON strings instead.
        return {
            "recipient": json.dumps(recipient),
            "message": json.dumps({"text": reply.text}),
            "messaging_type": "RESPONSE",
        }

    def inbox_url(self, customer_id: str) -> str:
        """Where the Page's team reads a Messenger conversation: the Page inbox in Meta Business Suite."""
        return f"https://business.facebook.com/latest/inbox/messenger?asset_id={self.page_id}&selected_item_id={customer_id}"

    def find_sent(self, reply: OutboundReply) -> list[SentReceipt]:
        try:
            if reply.visibility == "private":
                return self._find_sent_message(reply)
            return self._find_sent_comment(reply)
        except GRAPH_FAULTS as error:
            raise _unavailable(error) from error

    def _is_post(self, object_id: str, reply: OutboundReply) -> bool:
        # A post on the Page, the Page's own or a visitor's, is "{page id}_{post}"; a comment is "{post}_{comment}".
        # A post elsewhere that tags the Page has another owner's id in front: it is the thread's root.
        return object_id.startswith(f"{self.page_id}_") or object_id == reply.thread_key

    def _reply_place(self, reply: OutboundReply) -> str:
        """Where Facebook puts a reply: under the post it answers, or under the top-level comment of the
        comment it answers (Facebook threads one level deep, so an answer to a reply joins its parent)."""
        answered = reply.in_reply_to or reply.thread_key
        if self._is_post(answered, reply):
            return answered
        parent = self._get(answered, fields="id,parent{id}").get("parent")
        return str(parent["id"]) if isinstance(parent, dict) and parent.get("id") else answered

    def _find_sent_comment(self, reply: OutboundReply) -> list[SentReceipt]:
        """The Page's comments in the reply's place since its first attempt, with its parent and its words."""
        place = self._reply_place(reply)
        is_post = self._is_post(place, reply)
        found = []
        for comment in self._since(
            f"{place}/comments",
            reply.reconcile_since,
            link=f"https://www.facebook.com/{place}",
            fields="id,message,from,created_time,parent{id}",
            filter="toplevel",
            order="reverse_chronological",
        ):
            parent = (comment.get("parent") or {}).get("id")
            in_place = parent is None if is_post else str(parent) == place
            if in_place and _is_ours(comment, self.page_id, reply.text):
                found.append(
                    SentReceipt(external_id=str(comment["id"]), url=f"https://www.facebook.com/{comment['id']}")
                )
        return found

    def _since(self, path: str, since: datetime, *, link: str, **args: Any) -> Iterator[dict[str, Any]]:
        """An edge's items newest first, down to `since`; DeliveryInDoubt when there are too many to read."""
        args = {**args, "limit": 100}
        for _ in range(MAX_PAGES):
            body = self._get(path, **args)
            for item in body.get("data") or []:
                if not isinstance(item, dict):
                    continue
                try:
                    if parse_time(item.get("created_time") or "invalid") < since:
                        return
                except ItemError:
                    continue  # a copy whose time cannot be read cannot be placed after the first attempt
                yield item
            after = _after_cursor(body)
            if after is None:
                return
            args["after"] = after
        raise DeliveryInDoubt(
            "Facebook showed too many messages since this reply was first sent to check them all.", link=link
        )

    def _find_sent_message(self, reply: OutboundReply) -> list[SentReceipt]:
        customer = _customer_of(reply)
        link = self.inbox_url(customer)
        conversations = self._get(f"{self.page_id}/conversations", user_id=customer, fields="id,participants")
        found = []
        for conversation in conversations.get("data") or []:
            if not isinstance(conversation, dict) or self._customer(conversation) != customer:
                continue
            for item in self._since(
                f"{conversation['id']}/messages", reply.reconcile_since, link=link, fields=MESSAGE_FIELDS
            ):
                recipients = {
                    str(person.get("id"))
                    for person in (item.get("to") or {}).get("data") or []
                    if isinstance(person, dict)
                }
                if customer in recipients and _is_ours(item, self.page_id, reply.text):
                    found.append(SentReceipt(external_id=str(item["id"]), url=link))
        return found

    def moderate(self, action: Moderation, external_id: str) -> None:
        """A comment on the Page: POST /{id} is_hidden, DELETE /{id}, POST or DELETE /{id}/likes."""
        path = f"{self.version}/{external_id}"
        try:
            if action in (Moderation.HIDE, Moderation.UNHIDE):
                self._post(external_id, {"is_hidden": "true" if action == Moderation.HIDE else "false"})
            elif action == Moderation.DELETE:
                self.graph.request(path, method="DELETE")
            elif action == Moderation.LIKE:
                self._post(f"{external_id}/likes", {})
            else:
                self.graph.request(f"{path}/likes", method="DELETE")
        except facebook.GraphAPIError as error:
            details = (error.result.get("error") or {}) if isinstance(error.result, dict) else {}
            if action == Moderation.DELETE and (error.code, details.get("error_subcode")) == NO_SUCH_OBJECT:
                return  # already gone: what a delete wants
            if isinstance(error.result, dict) and error.code not in TRANSIENT_CODES:
                raise _moderation_refused(error) from error
            raise _unavailable(error, usage_header=self.usage_header) from error
        except GRAPH_FAULTS as error:
            raise _unavailable(error) from error

    def parse_item(self, stream: str, raw: str) -> InboundMessage:
        payload = json.loads(raw)
        item = payload.get("item")
        if stream == WEBHOOK_STREAM:
            message = parse_webhook_item(item, self.page_id)
            if message is None:
                raise ItemError("this webhook event is not a message")
            return message
        if "customer_id" in payload:
            return parse_message(item, customer_id=payload["customer_id"], page_id=self.page_id)
        if "post_id" in payload:
            return parse_comment(item, post_id=payload["post_id"], page_id=self.page_id)
        return parse_post(item, page_id=self.page_id)


def _is_ours(item: dict[str, Any], page_id: str, text: str) -> bool:
    """Written by the Page, with the reply's words."""
    sender = item.get("from") or {}
    message = item.get("message")
    return (
        isinstance(sender, dict)
        and str(sender.get("id")) == page_id
        and isinstance(message, str)
        and comparable_text(message) == comparable_text(text)
    )


def _is_private_reply(reply: OutboundReply) -> bool:
    return reply.visibility == "private" and not reply.thread_key.startswith("dm:") and bool(reply.in_reply_to)


def _customer_of(reply: OutboundReply) -> str:
    customer = reply.recipient_id or reply.thread_key.removeprefix("dm:")
    if not customer:
        raise DeliveryRefused("This Messenger conversation names no person to write to.")
    return customer


def _refusal(error: facebook.GraphAPIError, reply: OutboundReply) -> DeliveryRefused:
    details = error.result.get("error") or {}
    link = f"https://www.facebook.com/{reply.in_reply_to}" if reply.visibility == "public" else ""
    if details.get("error_subcode") in OUTSIDE_WINDOW_SUBCODES and _is_private_reply(reply):
        return DeliveryRefused(
            "Facebook lets a Page answer a comment privately only within 7 days of it; answer it in public.",
            link=f"https://www.facebook.com/{reply.in_reply_to}",
        )
    if details.get("error_subcode") in OUTSIDE_WINDOW_SUBCODES:
        return DeliveryRefused(
            "Messenger only lets a Page answer within 24 hours of the person's last message; "
            "answer them on Facebook by hand.",
            link=link,
        )
    if error.code == 190:
        return DeliveryRefused("Facebook rejected the Page token; reconnect the Page.", link=link)
    return DeliveryRefused(f"Facebook refused the reply: {str(error.message)[:300]}", link=link)


def _moderation_refused(error: facebook.GraphAPIError) -> ModerationRefused:
    details = error.result.get("error") or {}
    if (error.code, details.get("error_subcode")) == NO_SUCH_OBJECT:
        return ModerationRefused("This comment no longer exists on Facebook, or the Page may not see it.")
    if error.code == 190:
        return ModerationRefused("Facebook rejected the Page token; reconnect the Page.")
    return ModerationRefused(f"Facebook refused: {str(error.message)[:300]}")


def _feed_change(value: Any, page_id: str) -> InboundMessage | None:
    """A Page feed change: new or edited posts and comments; removals and reactions are not mentions."""
    if not isinstance(value, dict):
        raise ItemError("change value is not an object")
    item, verb = value.get("item"), value.get("verb")
    if not isinstance(item, str) or item not in FEED_ITEMS or verb not in ("add", "edited"):
        return None
    post_id = value.get("post_id")
    if not isinstance(post_id, str) or not post_id:
        raise ItemError("change has no post_id")
    comment_id = value.get("comment_id") if value.get("item") == "comment" else None
    sender: dict[str, Any] = value["from"] if isinstance(value.get("from"), dict) else {}
    author = (
        InboundAuthor(external_id=str(sender["id"]), name=bounded_text(sender.get("name"), 300))
        if sender.get("id")
        else None
    )
    external_id = str(comment_id or post_id)
    return InboundMessage(
        external_id=external_id,
        thread_key=post_id,
        visibility="public",
        text=bounded_text(value.get("message")),
        platform_time=parse_time(value.get("created_time")),
        author=author,
        url=f"https://www.facebook.com/{external_id}",
        in_reply_to=str(value.get("parent_id") or post_id) if comment_id else "",
        is_from_brand=author is not None and author.external_id == page_id,
        raw=value,
    )


def mention_as_feed_change(value: Any) -> Any:
    """A `mention` change (the Page tagged in someone's post or comment) in the shape of a feed change.

    It names its author by sender_id and sender_name instead of `from`. One without its words is left to
    polling of the `tagged` edge, which reads them: nothing is stored empty.
    """
    if not isinstance(value, dict):
        return value  # quarantined as it came
    if not value.get("message"):
        return None
    sender = {"id": value.get("sender_id"), "name": value.get("sender_name")} if value.get("sender_id") else None
    return {**value, "from": sender}


def _party_id(party: Any) -> str:
    """The id of a messaging event's sender or recipient ({"id": "..."}), or ""."""
    value = party.get("id") if isinstance(party, dict) else None
    return str(value)[:200] if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _messaging_event(event: Any, page_id: str) -> InboundMessage | None:
    if not isinstance(event, dict):
        raise ItemError("messaging event is not an object")
    message = event.get("message")
    if not isinstance(message, dict):
        return None  # deliveries, reads, postbacks: not messages
    sender = _party_id(event.get("sender"))
    recipient = _party_id(event.get("recipient"))
    if not message.get("mid") or not sender:
        raise ItemError("message has no mid or no sender")
    customer = recipient if sender == page_id else sender
    timestamp = event.get("timestamp")
    return InboundMessage(
        external_id=str(message["mid"]),
        thread_key=messenger_thread_key(customer),
        visibility="private",
        text=bounded_text(message.get("text")),
        platform_time=parse_time(timestamp / 1000 if isinstance(timestamp, int | float) else None),
        author=InboundAuthor(external_id=sender),
        is_from_brand=sender == page_id,
        raw=event,
    )


def parse_facebook(payload: Any) -> dict[str, FetchResult]:
    """A Page webhook delivery, split by Page id: feed changes and Messenger messages."""
    if not isinstance(payload, dict) or payload.get("object") != "page" or not isinstance(payload.get("entry"), list):
        raise ValueError("not a Page webhook delivery")
    results: dict[str, FetchResult] = defaultdict(FetchResult)
    for entry in payload["entry"][:MAX_WEBHOOK_ENTRIES]:
        # A Page id is a number; anything else names no Page we could have connected.
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str | int) or not str(entry["id"]).isdigit():
            continue
        page_id = str(entry["id"])[:100]
        result = results[page_id]
        for change in _listed(entry.get("changes")):
            if isinstance(change, dict) and change.get("field") == "feed":
                _collect(result, change.get("value"), page_id)
            elif isinstance(change, dict) and change.get("field") == "mention":
                value = mention_as_feed_change(change.get("value"))
                if value is not None:
                    _collect(result, value, page_id)
        for event in _listed(entry.get("messaging")):
            _collect(result, event, page_id)
    return dict(results)


def _listed(value: Any) -> list[Any]:
    """A list the delivery should hold; one item sent bare still counts (and is parsed or quarantined)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_webhook_item(item: Any, page_id: str) -> InboundMessage | None:
    """A feed change's value or a messaging event; None for what is not a message (reactions, reads)."""
    if isinstance(item, dict) and "sender" in item:
        return _messaging_event(item, page_id)
    return _feed_change(item, page_id)


def _collect(result: FetchResult, item: Any, page_id: str) -> None:
    try:
        message = parse_webhook_item(item, page_id)
    except ItemError as error:
        result.quarantined.append(_quarantined(item, str(error), page_id=page_id))
        return
    if message is not None:
        result.messages.append(message)
