"""Alert feeds (news, blogs, Google Alerts) through feedparser: every entry is its own conversation."""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import requests
from django.utils import timezone
from django.utils.html import strip_tags

from monitoring.connectors.base import (
    NOT_MODERATED,
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
from monitoring.connectors.http import read_limited
from monitoring.connectors.parsing import ItemError, bounded_text, item_id_of
from monitoring.connectors.public_urls import URLRefused, public_session
from monitoring.connectors.retry import Retrying

MAX_ID = 500
REDIRECTORS = {"www.google.com", "google.com", "news.google.com"}
NOT_SENDABLE = (
    "A feed article cannot be answered from here: add a note for the team, or open the article and "
    "respond where it was published."
)


def plain_text(value: Any, limit: int = 5000) -> str:
    """Feed HTML is never trusted: tags dropped, entities decoded, whitespace collapsed."""
    text = html.unescape(strip_tags(value)) if isinstance(value, str) else ""
    return " ".join(text.split())[:limit]


def web_url(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return value.strip()[:2000]


def unwrap_link(link: str) -> str:
    """Google Alerts wraps articles as google.com/url?...&url=REAL; the agent needs the real article."""
    url = web_url(link)
    parts = urlsplit(url)
    if parts.netloc.lower() in REDIRECTORS and parts.path == "/url":
        query = parse_qs(parts.query)
        for key in ("url", "q"):
            target = web_url((query.get(key) or [""])[0])
            if target:
                return target
    return url


def _entry_id(entry: dict[str, Any], link: str) -> str:
    entry_id = entry.get("id") or link
    if not isinstance(entry_id, str) or not entry_id.strip():
        raise ItemError("entry has neither an id nor a link")
    entry_id = entry_id.strip()
    # Ids are opaque and sometimes huge URLs; a long one is stored by its digest.
    return entry_id if len(entry_id) <= MAX_ID else "sha256:" + hashlib.sha256(entry_id.encode()).hexdigest()


def _entry_time(entry: dict[str, Any]) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    seconds = calendar.timegm(parsed) if isinstance(parsed, time.struct_time) else time.time()
    return datetime.fromtimestamp(seconds, tz=UTC)


def parse_entry(entry: Any, *, feed_title: str) -> InboundMessage:
    if not isinstance(entry, dict):
        raise ItemError("entry is not an object")
    link = unwrap_link(entry.get("link") or "")
    entry_id = _entry_id(entry, link)
    title = plain_text(entry.get("title"), 500)
    summary = plain_text(entry.get("summary"))
    text = f"{title}\n\n{summary}".strip() if summary and summary != title else title
    if not text:
        raise ItemError("entry has no title and no summary")
    source = urlsplit(link).netloc.lower()
    return InboundMessage(
        external_id=entry_id,
        thread_key=entry_id,
        visibility="public",
        text=bounded_text(text),
        platform_time=_entry_time(entry),
        author=InboundAuthor(
            external_id=source or feed_title or "feed",
            handle=source[:200],
            name=plain_text(entry.get("author"), 300) or feed_title,
        ),
        url=link,
        language_hint=bounded_text(entry.get("language") or "", 8),
        raw={"id": entry_id, "title": title, "summary": summary, "link": link},
    )


class FeedServerError(PlatformUnavailable):
    """The feed's server failed (5xx)."""


class FeedConnector:
    def __init__(self, *, url: str, retrying: Retrying | None = None) -> None:
        self.url = url
        self.session = public_session()
        self.retrying = retrying or Retrying.from_settings()

    def streams(self) -> list[str]:
        return ["feed"]

    def _download(self, position: dict[str, Any]) -> requests.Response:
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.1"}
        if position.get("etag"):
            headers["If-None-Match"] = str(position["etag"])
        if position.get("modified"):
            headers["If-Modified-Since"] = str(position["modified"])
        response = self.session.get(self.url, headers=headers, stream=True)
        if response.status_code == 429:
            raise PlatformUnavailable("the feed answered 429", retry_after=_retry_after(response))
        if response.status_code >= 500:
            raise FeedServerError(f"the feed answered {response.status_code}", retry_after=_retry_after(response))
        if response.status_code >= 400:
            raise PlatformUnavailable(f"the feed answered {response.status_code}; check its URL")
        return response

    def fetch(self, stream: str, position: dict[str, Any]) -> FetchResult:
        try:
            response = self.retrying.call(
                lambda: self._download(position),
                errors=(PlatformUnavailable, requests.RequestException),
                transient=is_passing,
            )
            if response.status_code == 304:
                return FetchResult(position=position)
            body = read_limited(response)
        except URLRefused as error:
            raise PlatformUnavailable(f"the feed is not fetched: {error}") from error
        except (requests.RequestException, ValueError) as error:
            raise PlatformUnavailable(f"the feed could not be read: {error.__class__.__name__}") from error
        parsed = feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-location": self.url, "content-type": response.headers.get("content-type", "")},
        )
        if parsed.bozo and not parsed.entries:
            raise PlatformUnavailable("the URL did not answer an RSS or Atom feed")
        result = FetchResult(position=_conditional(response))
        feed_title = plain_text(parsed.feed.get("title"), 200)
        for entry in parsed.entries:
            try:
                result.messages.append(parse_entry(entry, feed_title=feed_title))
            except ItemError as error:
                raw = json.dumps({"item": dict(entry), "feed_title": feed_title}, default=str)[:100_000]
                item_id = item_id_of(dict(entry), "id", "link")
                result.quarantined.append(QuarantinedPayload(raw=raw, reason=str(error), item_id=item_id))
        return result

    def send(self, reply: OutboundReply) -> SentReceipt:
        raise DeliveryRefused(NOT_SENDABLE, link=unwrap_link(reply.in_reply_to))

    def find_sent(self, reply: OutboundReply) -> list[SentReceipt]:
        return []

    def moderate(self, action: Moderation, external_id: str) -> None:
        raise ModerationRefused(NOT_MODERATED)

    def parse_item(self, stream: str, raw: str) -> InboundMessage:
        payload = json.loads(raw)
        return parse_entry(payload.get("item"), feed_title=payload.get("feed_title") or "")


def is_passing(error: Exception) -> bool:
    """Worth trying again at once: a 5xx without Retry-After, a dropped connection; not a timeout."""
    if isinstance(error, PlatformUnavailable):
        return isinstance(error, FeedServerError) and error.retry_after is None
    return isinstance(error, requests.RequestException) and not isinstance(error, requests.Timeout)


def _retry_after(response: requests.Response) -> datetime | None:
    """HTTP Retry-After in seconds (the date form is rare for feeds and falls back to our backoff)."""
    value = response.headers.get("Retry-After", "")
    return timezone.now() + timedelta(seconds=int(value)) if value.isdigit() else None


def _conditional(response: requests.Response) -> dict[str, Any]:
    """What lets the next poll ask 'anything new?' (ETag / Last-Modified) instead of reading it all again."""
    position = {}
    if response.headers.get("etag"):
        position["etag"] = response.headers["etag"][:500]
    if response.headers.get("last-modified"):
        position["modified"] = response.headers["last-modified"][:100]
    return position
