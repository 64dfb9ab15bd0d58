"""X (Twitter) API v2 through tweepy.Client: mentions, keyword search and DMs in; replies and DMs out."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

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
    PossiblyPosted,
    SentReceipt,
)
from monitoring.connectors.http import x_session
from monitoring.connectors.parsing import ItemError, bounded_text, comparable_text, parse_time, quarantine
from monitoring.connectors.retry import Retrying
from monitoring.connectors.x_text import decode_x_text

PAGE_SIZE = 100
# Reconciling reads the account's posts back to the reply's first attempt, at most this many pages; past
# that it cannot say, so the reply waits for a person instead of being posted again.
RECONCILE_MAX_PAGES = 30
TWEET_FIELDS = [
    "id",
    "text",
    "author_id",
    "created_at",
    "conversation_id",
    "lang",
    "referenced_tweets",
    "withheld",
    "entities",
]
USER_FIELDS = ["id", "username", "name", "public_metrics"]
TWEET_EXPANSIONS = ["author_id", "referenced_tweets.id.author_id"]
DM_FIELDS = ["id", "text", "event_type", "created_at", "dm_conversation_id", "sender_id", "participant_ids"]
DM_EXPANSIONS = ["sender_id", "participant_ids"]
REPLY_REFUSED = (
    "X did not allow this reply. Self-serve X API tiers may only reply to posts that mention or quote "
    "the brand's account; answer this one by hand on X."
)
DUPLICATE_REFUSED = (
    "X refused this reply as duplicate content: X does not let one account post the same words twice in a "
    "short time, whoever the post answers. Either this reply already reached X while Promptly did not hear "
    "back, or the account said exactly this recently; if it is not in the conversation, change the wording "
    "and send it again."
)


@dataclass(frozen=True)
class XCredentials:
    bearer_token: str = ""
    consumer_key: str = ""
    consumer_secret: str = ""
    access_token: str = ""
    access_secret: str = ""

    @property
    def user_context(self) -> bool:
        return all((self.consumer_key, self.consumer_secret, self.access_token, self.access_secret))


def post_url(tweet_id: str, handle: str = "") -> str:
    return f"https://x.com/{handle}/status/{tweet_id}" if handle else f"https://x.com/i/web/status/{tweet_id}"


def dm_url(dm_conversation_id: str) -> str:
    """Where X shows a DM conversation (its id is the two user ids, low-high); "" when X did not say."""
    return f"https://x.com/messages/{dm_conversation_id}" if dm_conversation_id else ""


def _numeric_id(value: Any) -> str:
    text = str(value) if isinstance(value, int | str) else ""
    if not text.isdigit():
        raise ItemError(f"id {value!r} is not an X id")
    return text


def _author(author_id: Any, users: dict[str, dict[str, Any]]) -> InboundAuthor | None:
    if not isinstance(author_id, int | str) or not str(author_id):
        return None
    user = users.get(str(author_id), {})
    followers = (user.get("public_metrics") or {}).get("followers_count")
    handle = bounded_text(user.get("username"), 200)
    return InboundAuthor(
        external_id=str(author_id),
        handle=handle,
        name=bounded_text(user.get("name"), 300),
        followers_count=followers if isinstance(followers, int) and followers >= 0 else None,
        profile_url=f"https://x.com/{handle}" if handle else "",
    )


def _replied_to(item: dict[str, Any]) -> str:
    for reference in item.get("referenced_tweets") or []:
        if isinstance(reference, dict) and reference.get("type") == "replied_to" and reference.get("id"):
            return str(reference["id"])
    return ""


def parse_tweet(item: Any, users: dict[str, dict[str, Any]], *, brand_user_id: str) -> InboundMessage:
    """One tweet with what is known: an author missing from the expansions is kept by id only.

    The text is stored as its author wrote it; the raw item keeps the form X served."""
    if not isinstance(item, dict):
        raise ItemError("tweet is not an object")
    tweet_id = _numeric_id(item.get("id"))
    if not isinstance(item.get("text"), str):
        raise ItemError("tweet has no text")
    author = _author(item.get("author_id"), users)
    conversation = item.get("conversation_id")
    return InboundMessage(
        external_id=tweet_id,
        thread_key=str(conversation) if isinstance(conversation, int | str) and conversation else tweet_id,
        visibility="public",
        text=bounded_text(decode_x_text(item["text"], item.get("entities"))),
        platform_time=parse_time(item.get("created_at")),
        author=author,
        url=post_url(tweet_id, author.handle if author else ""),
        in_reply_to=_replied_to(item),
        language_hint=bounded_text(item.get("lang"), 8),
        is_from_brand=author is not None and author.external_id == brand_user_id,
        raw=item,
    )


def search_stream(query: str) -> str:
    return "search-" + hashlib.sha256(query.encode()).hexdigest()[:12]


def dm_thread_key(partner_id: str) -> str:
    return f"dm:{partner_id}"


def parse_dm(item: Any, users: dict[str, dict[str, Any]], *, brand_user_id: str) -> InboundMessage:
    if not isinstance(item, dict):
        raise ItemError("DM event is not an object")
    event_id = _numeric_id(item.get("id"))
    sender = str(item.get("sender_id") or "")
    if not sender or not isinstance(item.get("text"), str):
        raise ItemError("DM event has no sender or no text")
    partner = sender if sender != brand_user_id else _dm_partner(item, brand_user_id)
    if not partner:
        raise ItemError("DM event names no customer")
    return InboundMessage(
        external_id=event_id,
        thread_key=dm_thread_key(partner),
        visibility="private",
        text=bounded_text(item["text"]),
        platform_time=parse_time(item.get("created_at")),
        author=_author(sender, users),
        is_from_brand=sender == brand_user_id,
        raw=item,
    )


def _dm_partner(item: dict[str, Any], brand_user_id: str) -> str:
    """Who the brand wrote to: participant_ids when given, else the other half of a one-to-one conversation id."""
    candidates = [str(p) for p in item.get("participant_ids") or []]
    candidates += str(item.get("dm_conversation_id") or "").split("-")
    return next((c for c in candidates if c.isdigit() and c != brand_user_id), "")


def _users(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    users = (body.get("includes") or {}).get("users") or []
    return {str(user["id"]): user for user in users if isinstance(user, dict) and "id" in user}


def _newest(ids: list[Any]) -> int:
    return max((int(value) for value in ids if isinstance(value, int | str) and str(value).isdigit()), default=0)


def _unavailable(error: Exception) -> PlatformUnavailable:
    if isinstance(error, tweepy.TooManyRequests):
        reset = datetime.fromtimestamp(error.reset_time, tz=UTC) if error.reset_time else None
        return PlatformUnavailable("X rate limit reached", retry_after=reset)
    if isinstance(error, tweepy.TwitterServerError):
        return PlatformUnavailable(f"X answered {error.response.status_code}")
    return PlatformUnavailable(f"X could not be reached: {error.__class__.__name__}")


TRANSIENT = (tweepy.TooManyRequests, tweepy.TwitterServerError, requests.RequestException)


def is_passing(error: Exception) -> bool:
    """Worth trying again at once: X's 5xx problem answers, a dropped connection, a body that is not JSON.
    Not a 429 (the stream waits for x-rate-limit-reset) or a timeout (it held the poll already)."""
    if isinstance(error, tweepy.TwitterServerError | requests.JSONDecodeError):
        return True
    return isinstance(error, requests.RequestException) and not isinstance(error, requests.Timeout)


class XConnector:
    """One X account: its id and handle, its tokens, and the search query of its brand."""

    def __init__(
        self,
        *,
        user_id: str,
        handle: str,
        credentials: XCredentials,
        search_queries: list[str],
        retrying: Retrying | None = None,
    ) -> None:
        self.user_id = user_id
        self.retrying = retrying or Retrying.from_settings()
        self.handle = handle
        self.credentials = credentials
        # One stream per search, named after its text: a changed query starts from a fresh cursor.
        self.searches = {search_stream(query): query for query in search_queries if query}
        self.client = tweepy.Client(
            bearer_token=credentials.bearer_token or None,
            consumer_key=credentials.consumer_key or None,
            consumer_secret=credentials.consumer_secret or None,
            access_token=credentials.access_token or None,
            access_token_secret=credentials.access_secret or None,
            return_type=dict,
        )
        self.client.session = x_session()
        # Reads use the app's bearer token; an account given only user tokens reads with those.
        self.read_user_auth = not credentials.bearer_token

    def streams(self) -> list[str]:
        streams = ["mentions"]
        streams.extend(self.searches)
        if self.credentials.user_context:
            streams.append("dms")  # X serves DMs only with user-context tokens
        return streams

    def fetch(self, stream: str, position: dict[str, Any]) -> FetchResult:
        try:
            if stream == "dms":
                return self._fetch_dms(position)
            return self._fetch_tweets(stream, position)
        except TRANSIENT as error:
            raise _unavailable(error) from error
        except (tweepy.Unauthorized, tweepy.Forbidden) as error:
            raise PlatformUnavailable(f"X refused the account's tokens ({error.response.status_code})") from error
        except requests.JSONDecodeError as error:
            raise PlatformUnavailable("X answered with something that is not JSON") from error

    def _tweet_page(self, stream: str, params: dict[str, Any]) -> dict[str, Any]:
        common = {
            "expansions": TWEET_EXPANSIONS,
            "tweet_fields": TWEET_FIELDS,
            "user_fields": USER_FIELDS,
            "max_results": PAGE_SIZE,
            "user_auth": self.read_user_auth,
        }
        if stream == "mentions":
            return self._read(self.client.get_users_mentions, self.user_id, **common, **params)
        if stream in self.searches:
            token = params.pop("pagination_token", None)
            if token:
                params["next_token"] = token
            return self._read(self.client.search_recent_tweets, self.searches[stream], **common, **params)
        raise ValueError(f"X has no stream {stream!r}")

    def _read(self, call: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One read through tweepy, tried again after a passing fault (see is_passing)."""
        body: dict[str, Any] = self.retrying.call(
            lambda: call(*args, **kwargs),
            errors=(tweepy.TweepyException, requests.RequestException),
            transient=is_passing,
        )
        return body

    def _fetch_tweets(self, stream: str, position: dict[str, Any]) -> FetchResult:
        """One page, newest first; since_id moves only once every page down to it has been read."""
        params: dict[str, Any] = {}
        if position.get("since_id"):
            params["since_id"] = position["since_id"]
        if position.get("next_token"):
            params["pagination_token"] = position["next_token"]
        body = self._tweet_page(stream, dict(params))
        users = _users(body)
        items = body.get("data") or []
        result = FetchResult()
        for item in items:
            try:
                result.messages.append(parse_tweet(item, users, brand_user_id=self.user_id))
            except ItemError as error:
                result.quarantined.append(quarantine(item, users, str(error)))
        meta = body.get("meta") or {}
        newest = max(
            _newest([meta.get("newest_id")] + [i.get("id") for i in items if isinstance(i, dict)]),
            int(position.get("pending_since_id") or 0),
        )
        result.position = _next_position(position, newest, meta.get("next_token"))
        result.has_more = bool(meta.get("next_token"))
        return result

    def _fetch_dms(self, position: dict[str, Any]) -> FetchResult:
        """DM events have no since_id: page back from the newest until the last event already read."""
        params: dict[str, Any] = {"max_results": PAGE_SIZE, "event_types": "MessageCreate"}
        if position.get("next_token"):
            params["pagination_token"] = position["next_token"]
        body = self._read(
            self.client.get_direct_message_events,
            dm_event_fields=DM_FIELDS,
            expansions=DM_EXPANSIONS,
            user_fields=USER_FIELDS,
            user_auth=True,
            **params,
        )
        users = _users(body)
        seen = int(position.get("since_id") or 0)
        items = body.get("data") or []
        result = FetchResult()
        reached_seen = False
        for item in items:
            item_id = _newest([item.get("id")]) if isinstance(item, dict) else 0
            if seen and item_id and item_id <= seen:
                reached_seen = True
                continue
            try:
                result.messages.append(parse_dm(item, users, brand_user_id=self.user_id))
            except ItemError as error:
                result.quarantined.append(quarantine(item, users, str(error)))
        newest = max(
            _newest([i.get("id") for i in items if isinstance(i, dict)]), int(position.get("pending_since_id") or 0)
        )
        next_token = None if reached_seen else (body.get("meta") or {}).get("next_token")
        result.position = _next_position(position, newest, next_token)
        result.has_more = bool(next_token)
        return result

    def send(self, reply: OutboundReply) -> SentReceipt:
        if not self.credentials.user_context:
            raise DeliveryRefused(
                "This X account has no user-context tokens (consumer key/secret, access token/secret), "
                "so it can read but not post. Add them to the account to reply from Promptly.",
                link=post_url(reply.in_reply_to) if reply.visibility == "public" else "",
            )
        try:
            if reply.visibility == "private":
                return self._send_dm(reply)
            body = self.client.create_tweet(text=reply.text, in_reply_to_tweet_id=reply.in_reply_to, user_auth=True)
        except TRANSIENT as error:
            raise _unavailable(error) from error
        except tweepy.HTTPException as error:
            raise _refusal(error, reply) from error
        tweet_id = str(body["data"]["id"])
        return SentReceipt(external_id=tweet_id, url=post_url(tweet_id, self.handle))

    def _send_dm(self, reply: OutboundReply) -> SentReceipt:
        body = self.client.create_direct_message(participant_id=_partner(reply), text=reply.text, user_auth=True)
        data = body["data"]
        return SentReceipt(external_id=str(data["dm_event_id"]), url=dm_url(str(data.get("dm_conversation_id") or "")))

    def find_sent(self, reply: OutboundReply) -> list[SentReceipt]:
        try:
            if reply.visibility == "private":
                return self._find_sent_dm(reply)
            return self._find_sent_post(reply)
        except TRANSIENT as error:
            raise _unavailable(error) from error
        except tweepy.HTTPException as error:
            raise PlatformUnavailable(f"X did not show the account's posts ({error.response.status_code})") from error

    def _find_sent_post(self, reply: OutboundReply) -> list[SentReceipt]:
        """The account's replies to the same post since the first attempt, page after page: a busy account
        may have posted hundreds of times before a retry comes."""
        since = reply.reconcile_since
        params: dict[str, Any] = {
            "max_results": PAGE_SIZE,
            "tweet_fields": TWEET_FIELDS,
            "start_time": since,
            "user_auth": self.read_user_auth,
        }
        found = []
        for _ in range(RECONCILE_MAX_PAGES):
            body = self.client.get_users_tweets(self.user_id, **params)
            for item in body.get("data") or []:
                if _replied_to(item) == reply.in_reply_to and _is_copy(item, reply.text, since):
                    found.append(SentReceipt(external_id=str(item["id"]), url=post_url(str(item["id"]), self.handle)))
            params["pagination_token"] = (body.get("meta") or {}).get("next_token")
            if not params["pagination_token"]:
                return found
        raise DeliveryInDoubt(
            "X showed too many posts of the account since this reply was first sent to check them all.",
            link=post_url(reply.in_reply_to),
        )

    def _find_sent_dm(self, reply: OutboundReply) -> list[SentReceipt]:
        """The account's messages to the same person since the first attempt (X serves them newest first)."""
        since, partner = reply.reconcile_since, _partner(reply)
        conversation = "-".join(sorted([self.user_id, partner], key=int))
        params: dict[str, Any] = {"dm_event_fields": DM_FIELDS, "max_results": PAGE_SIZE, "user_auth": True}
        found = []
        for _ in range(RECONCILE_MAX_PAGES):
            body = self.client.get_direct_message_events(participant_id=partner, **params)
            items = [item for item in body.get("data") or [] if isinstance(item, dict)]
            for item in items:
                ours = str(item.get("sender_id")) == self.user_id
                if (
                    ours
                    and item.get("dm_conversation_id", conversation) == conversation
                    and _is_copy(item, reply.text, since)
                ):
                    found.append(SentReceipt(external_id=str(item["id"]), url=dm_url(conversation)))
            params["pagination_token"] = (body.get("meta") or {}).get("next_token")
            if not params["pagination_token"] or any(_older_than(item, since) for item in items):
                return found
        raise DeliveryInDoubt(
            "X showed too many messages with this person since this reply was first sent to check them all.",
            link=dm_url(conversation),
        )

    def moderate(self, action: Moderation, external_id: str) -> None:
        """Hide or unhide a reply in a conversation the account started (X offers no other moderation)."""
        if action not in (Moderation.HIDE, Moderation.UNHIDE):
            raise ModerationRefused(f"X offers no way to {action} a reply from Promptly; only to hide it.")
        if not self.credentials.user_context:
            raise ModerationRefused(
                "This X account has no user-context tokens (consumer key/secret, access token/secret), "
                "and X hides replies only on the account's own behalf. Add them to the account."
            )
        try:
            if action == Moderation.HIDE:
                self.client.hide_reply(external_id, user_auth=True)
            else:
                self.client.unhide_reply(external_id, user_auth=True)
        except TRANSIENT as error:
            raise _unavailable(error) from error
        except tweepy.HTTPException as error:
            raise _moderation_refused(error) from error

    def parse_item(self, stream: str, raw: str) -> InboundMessage:
        """Parse a quarantined item again (after a fix, or when the platform data was repaired)."""
        payload = json.loads(raw)
        parser = parse_dm if stream == "dms" else parse_tweet
        return parser(payload.get("item"), payload.get("users") or {}, brand_user_id=self.user_id)


def _next_position(position: dict[str, Any], newest: int, next_token: str | None) -> dict[str, Any]:
    """Keep since_id while paging; when the last page is read, since_id becomes the newest id seen."""
    if next_token:
        return {
            "since_id": position.get("since_id", ""),
            "next_token": next_token,
            "pending_since_id": str(newest or ""),
        }
    best = max(newest, int(position.get("since_id") or 0))
    return {"since_id": str(best)} if best else {}


def _partner(reply: OutboundReply) -> str:
    partner = reply.recipient_id or reply.thread_key.removeprefix("dm:")
    if not partner.isdigit():
        raise DeliveryRefused("This private conversation names no X user to write to.")
    return partner


# X may put the @handles of the people answered in front of a reply's text; the words after them are the reply.
LEADING_MENTIONS = re.compile(r"^(?:\s*@\w{1,15})+\s+")


def served_as_written(item: dict[str, Any], text: str) -> bool:
    """Whether X's copy (t.co links, &amp; &lt; &gt;, maybe leading @handles) is `text` as we sent it."""
    served = item.get("text")
    if not isinstance(served, str):
        return False
    ours, theirs = (
        comparable_text(LEADING_MENTIONS.sub("", words))
        for words in (text, decode_x_text(served, item.get("entities")))
    )
    return ours == theirs


def _older_than(item: dict[str, Any], since: datetime) -> bool:
    try:
        return parse_time(item.get("created_at")) < since
    except ItemError:
        return False


def _is_copy(item: dict[str, Any], text: str, since: datetime) -> bool:
    """A post of ours is a copy of this reply only when it was posted since its first attempt, with its words;
    a post whose time X left out or garbled cannot be placed, so it is not taken for this reply."""
    try:
        posted = parse_time(item["created_at"]) if item.get("created_at") else None
    except ItemError:
        posted = None
    return posted is not None and posted >= since and served_as_written(item, text)


def _moderation_refused(error: tweepy.HTTPException) -> ModerationRefused:
    status = error.response.status_code
    if status == 401:
        return ModerationRefused("X rejected the account's tokens; reconnect the account.")
    if status == 403:
        return ModerationRefused("X lets an account hide only replies in conversations it started.")
    if status == 404:
        return ModerationRefused("The post no longer exists on X.")
    message = "; ".join(str(m) for m in error.api_messages) or error.response.reason or ""
    return ModerationRefused(f"X refused ({status}): {message[:300]}")


def _refusal(error: tweepy.HTTPException, reply: OutboundReply) -> DeliveryRefused:
    link = post_url(reply.in_reply_to) if reply.visibility == "public" else ""
    message = "; ".join(str(m) for m in error.api_messages) or error.response.reason or ""
    status = error.response.status_code
    if status == 403 and "duplicate content" in message.lower():
        return PossiblyPosted(DUPLICATE_REFUSED, link=link)
    if status == 403 and reply.visibility == "public" and "reply" in message.lower():
        return DeliveryRefused(REPLY_REFUSED, link=link)
    if status == 401:
        return DeliveryRefused("X rejected the account's tokens; reconnect the account.", link=link)
    if status == 404:
        return DeliveryRefused("The post or person no longer exists on X.", link=link)
    return DeliveryRefused(f"X refused the reply ({status}): {message[:300]}", link=link)
