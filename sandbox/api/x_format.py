"""X API v2 JSON as X writes it: tweets, users, DM events, includes, partial errors, error bodies."""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.faults import Kind, RequestFaults
from sandbox.models import DirectMessage, Tweet, XUser

MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
# A link ends before the punctuation that follows it, as X's own link detection does.
URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'\u2019\u2026]")
T_CO_ALPHABET = string.ascii_letters + string.digits
DISPLAY_URL_LENGTH = 26
HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
PROBLEMS = "https://api.twitter.com/2/problems/"


def x_time(moment: datetime) -> str:
    """X's timestamp: UTC with milliseconds, e.g. 2024-01-15T10:30:00.000Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def mentioned_usernames(text: str) -> list[str]:
    return MENTION.findall(text)


@dataclass
class Fields:
    """What the request asked for: tweet.fields, user.fields, dm_event.fields, expansions."""

    tweet: set[str] = field(default_factory=set)
    user: set[str] = field(default_factory=set)
    dm_event: set[str] = field(default_factory=set)
    expansions: set[str] = field(default_factory=set)

    @classmethod
    def from_query(cls, params: Any) -> Fields:
        def names(key: str) -> set[str]:
            return {name.strip() for name in params.get(key, "").split(",") if name.strip()}

        return cls(names("tweet.fields"), names("user.fields"), names("dm_event.fields"), names("expansions"))


def t_co(url: str) -> str:
    """The t.co link X wraps a link in: the same link always gets the same short one."""
    number = int.from_bytes(hashlib.sha256(url.encode()).digest()[:8], "big")
    code = ""
    for _ in range(10):
        number, digit = divmod(number, len(T_CO_ALPHABET))
        code += T_CO_ALPHABET[digit]
    return f"https://t.co/{code}"


def display_url(url: str) -> str:
    shown = url.split("://", 1)[-1]
    return shown if len(shown) <= DISPLAY_URL_LENGTH else shown[: DISPLAY_URL_LENGTH - 1] + "\u2026"


def escape(text: str) -> str:
    """X escapes these three characters, and no others, in the text it serves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def served_text(text: str) -> tuple[str, list[dict[str, Any]]]:
    """A post's text as X serves it (escaped, links as t.co links) and its entities.urls."""
    served, position = "", 0
    urls: list[dict[str, Any]] = []
    for match in URL.finditer(text):
        served += escape(text[position : match.start()])
        short = t_co(match.group(0))
        urls.append(
            {
                "start": len(served),
                "end": len(served) + len(short),
                "url": short,
                "expanded_url": match.group(0),
                "display_url": display_url(match.group(0)),
            }
        )
        served += short
        position = match.end()
    return served + escape(text[position:]), urls


def _entities(served: str, urls: list[dict[str, Any]], users_by_name: dict[str, XUser]) -> dict[str, Any]:
    entities: dict[str, Any] = {}
    mentions = []
    for match in MENTION.finditer(served):
        user = users_by_name.get(match.group(1).lower())
        if user is not None:
            mentions.append({"start": match.start(), "end": match.end(), "username": user.username, "id": str(user.id)})
    if mentions:
        entities["mentions"] = mentions
    if urls:
        entities["urls"] = urls
    tags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in HASHTAG.finditer(served)]
    if tags:
        entities["hashtags"] = tags
    return entities


def referenced(tweet: Tweet) -> list[tuple[str, int]]:
    refs = []
    if tweet.in_reply_to_id:
        refs.append(("replied_to", tweet.in_reply_to_id))
    if tweet.retweet_of_id:
        refs.append(("retweeted", tweet.retweet_of_id))
    return refs


def tweet_json(tweet: Tweet, fields: Fields, users_by_name: dict[str, XUser]) -> dict[str, Any]:
    served, urls = served_text(tweet.text)
    body: dict[str, Any] = {"id": str(tweet.id), "text": served, "edit_history_tweet_ids": [str(tweet.id)]}
    wanted = fields.tweet
    if "created_at" in wanted:
        body["created_at"] = x_time(tweet.created_at)
    if "author_id" in wanted:
        body["author_id"] = str(tweet.author_id)
    if "conversation_id" in wanted:
        body["conversation_id"] = str(tweet.conversation_id)
    if "lang" in wanted:
        body["lang"] = tweet.lang
    if "in_reply_to_user_id" in wanted and tweet.in_reply_to_user_id:
        body["in_reply_to_user_id"] = str(tweet.in_reply_to_user_id)
    if "referenced_tweets" in wanted and referenced(tweet):
        body["referenced_tweets"] = [{"type": kind, "id": str(ref)} for kind, ref in referenced(tweet)]
    if "entities" in wanted and (entities := _entities(served, urls, users_by_name)):
        body["entities"] = entities
    if "public_metrics" in wanted:
        body["public_metrics"] = {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": 0,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 0,
        }
    if "possibly_sensitive" in wanted:
        body["possibly_sensitive"] = False
    if "reply_settings" in wanted:
        body["reply_settings"] = "everyone"
    return body


def user_json(user: XUser, fields: Fields) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(user.id), "name": user.name, "username": user.username}
    wanted = fields.user
    if "created_at" in wanted:
        body["created_at"] = x_time(user.created_at)
    if "description" in wanted:
        body["description"] = user.description
    if "location" in wanted and user.location:
        body["location"] = user.location
    if "public_metrics" in wanted:
        body["public_metrics"] = {
            "followers_count": user.followers_count,
            "following_count": 0,
            "tweet_count": 0,
            "listed_count": 0,
            "like_count": 0,
        }
    if "verified" in wanted:
        body["verified"] = False
    if "protected" in wanted:
        body["protected"] = False
    if "profile_image_url" in wanted:
        body["profile_image_url"] = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"
    return body


def dm_json(event: DirectMessage, fields: Fields) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(event.id), "event_type": "MessageCreate", "text": event.text}
    wanted = fields.dm_event
    if "created_at" in wanted:
        body["created_at"] = x_time(event.created_at)
    if "sender_id" in wanted:
        body["sender_id"] = str(event.sender_id)
    if "dm_conversation_id" in wanted:
        body["dm_conversation_id"] = event.dm_conversation_id
    return body


def not_found_error(resource: str, value: str, parameter: str) -> dict[str, Any]:
    noun = "tweet" if resource == "tweet" else "user"
    return {
        "value": value,
        "detail": f"Could not find {noun} with {parameter}: [{value}].",
        "title": "Not Found Error",
        "resource_type": resource,
        "parameter": parameter,
        "resource_id": value,
        "type": PROBLEMS + "resource-not-found",
    }


def suspended_error(user_id: int, parameter: str) -> dict[str, Any]:
    return {
        "value": str(user_id),
        "detail": f"User has been suspended: [{user_id}].",
        "title": "Forbidden",
        "resource_type": "user",
        "parameter": parameter,
        "resource_id": str(user_id),
        "type": PROBLEMS + "resource-not-found",
    }


def unavailable_tweet_error(tweet_id: int) -> dict[str, Any]:
    return {
        "value": str(tweet_id),
        "detail": f"Sorry, you are not authorized to see the Tweet with id: [{tweet_id}].",
        "title": "Authorization Error",
        "resource_type": "tweet",
        "parameter": "referenced_tweets.id",
        "resource_id": str(tweet_id),
        "type": PROBLEMS + "not-authorized-for-resource",
    }


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": kind, "status": status}


def invalid_request(parameter: str, value: str, message: str) -> dict[str, Any]:
    return {
        "errors": [{"parameters": {parameter: [value]}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": PROBLEMS + "invalid-request",
    }


def malform(item: dict[str, Any], faults: RequestFaults, item_id: str) -> dict[str, Any]:
    """Break an item the way a faulty platform might: no id, or a created_at nobody can parse."""
    faults.note(Kind.MALFORMED, item_id)
    broken = dict(item)
    if faults.choose(item_id, 2) == 0:
        broken.pop("id", None)
    else:
        broken["created_at"] = "2024-13-45T25:61:00.000Z"
    return broken


class Includes:
    """Collects the expansions of a page: includes.users / includes.tweets, and errors for what is missing."""

    def __init__(self, fields: Fields) -> None:
        self.fields = fields
        self.user_ids: dict[int, str] = {}  # id -> the expansion parameter that asked for it
        self.tweet_ids: set[int] = set()

    def add_tweets(self, tweets: Iterable[Tweet], users_by_name: dict[str, XUser]) -> None:
        expansions = self.fields.expansions
        for tweet in tweets:
            if "author_id" in expansions:
                self.user_ids.setdefault(tweet.author_id, "author_id")
            if "in_reply_to_user_id" in expansions and tweet.in_reply_to_user_id:
                self.user_ids.setdefault(tweet.in_reply_to_user_id, "in_reply_to_user_id")
            if "entities.mentions.username" in expansions:
                for name in mentioned_usernames(tweet.text):
                    if (user := users_by_name.get(name.lower())) is not None:
                        self.user_ids.setdefault(user.id, "entities.mentions.username")
            if "referenced_tweets.id" in expansions:
                self.tweet_ids.update(ref for _, ref in referenced(tweet))

    def add_dm(self, events: Iterable[DirectMessage]) -> None:
        for event in events:
            if "sender_id" in self.fields.expansions:
                self.user_ids.setdefault(event.sender_id, "sender_id")
            if "participant_ids" in self.fields.expansions:
                self.user_ids.setdefault(event.recipient_id, "participant_ids")
                self.user_ids.setdefault(event.sender_id, "participant_ids")

    def render(self, body: dict[str, Any], users_by_name: dict[str, XUser]) -> None:
        """Add `includes` and partial `errors` to an answer body (two queries at most)."""
        includes: dict[str, list[dict[str, Any]]] = {}
        errors: list[dict[str, Any]] = []
        if self.tweet_ids:
            found = Tweet.objects.select_related("author").in_bulk(self.tweet_ids)
            visible = [t for t in found.values() if not t.author.suspended]
            errors += [unavailable_tweet_error(i) for i in sorted(self.tweet_ids) if i not in {t.id for t in visible}]
            includes["tweets"] = [tweet_json(t, self.fields, users_by_name) for t in visible]
            if "referenced_tweets.id.author_id" in self.fields.expansions:
                for t in visible:
                    self.user_ids.setdefault(t.author_id, "referenced_tweets.id.author_id")
        if self.user_ids:
            users = XUser.objects.in_bulk(self.user_ids)
            for user_id, parameter in self.user_ids.items():
                user = users.get(user_id)
                if user is None or user.suspended:
                    errors.append(suspended_error(user_id, parameter))
            includes["users"] = [user_json(u, self.fields) for u in users.values() if not u.suspended]
        includes = {key: value for key, value in includes.items() if value}
        if includes:
            body["includes"] = includes
        if errors:
            body["errors"] = errors
