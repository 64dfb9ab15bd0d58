"""The sandbox's X API v2: the endpoints Promptly's X connector calls through tweepy."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from asgiref.sync import sync_to_async
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox import moderation, services
from sandbox.api.common import json_answer, platform_endpoint, request_json
from sandbox.api.x_auth import XCaller, add_rate_limit_headers, authenticate, rate_key
from sandbox.api.x_format import (
    Fields,
    Includes,
    dm_json,
    invalid_request,
    malform,
    not_found_error,
    problem,
    served_text,
    tweet_json,
)
from sandbox.api.x_paging import InvalidParameter, Page, PageRequest, page_of
from sandbox.faults import Kind, RequestFaults
from sandbox.models import DirectMessage, Tweet, XUser
from sandbox.search_query import QuerySyntaxError, SearchablePost, compile_query

# Requests per 15-minute window X documents for each endpoint (app-only where it applies).
LIMITS = {
    "mentions": 450,
    "search": 450,
    "user_tweets": 1500,
    "tweet": 450,
    "create": 200,
    "hide": 50,
    "dm_read": 300,
    "dm": 200,
}


def failure(faults: RequestFaults) -> HttpResponse:
    if faults.failure == Kind.RATE_LIMIT:
        response = json_answer(problem(429, "Too Many Requests", "Too Many Requests"), status=429)
        response["x-rate-limit-limit"] = "450"
        response["x-rate-limit-remaining"] = "0"
        response["x-rate-limit-reset"] = str(int(time.time()) + faults.reset_seconds)
        return response
    return json_answer(problem(500, "Internal Server Error", "Internal Server Error"), status=500)


def x_endpoint(
    endpoint: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., Coroutine[Any, Any, HttpResponse]]]:
    """A sandbox X endpoint: the fault gate, and X's rate-limit headers on every answer (errors included)."""

    def decorate(handler: Callable[..., HttpResponse]) -> Callable[..., Coroutine[Any, Any, HttpResponse]]:
        view = platform_endpoint(failure)(handler)

        @functools.wraps(view)
        async def with_rate_headers(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = await view(request, *args, **kwargs)
            if "x-rate-limit-limit" not in response:
                await sync_to_async(add_rate_limit_headers)(
                    response, token=rate_key(request), endpoint=endpoint, limit=LIMITS[endpoint]
                )
            return response

        return with_rate_headers

    return decorate


def _unauthorized() -> JsonResponse:
    return json_answer(problem(401, "Unauthorized", "Unauthorized"), status=401)


def _user_context_required() -> JsonResponse:
    detail = (
        "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication "
        "types are [OAuth 1.0a User Context, OAuth 2.0 User Context]."
    )
    return json_answer(
        problem(
            403, "Unsupported Authentication", detail, "https://api.twitter.com/2/problems/unsupported-authentication"
        ),
        status=403,
    )


def _answer(body: Any, caller: XCaller, endpoint: str, status: int = 200) -> HttpResponse:
    response = json_answer(body, status=status)
    if caller.user_context:
        # X says on every user-context answer what the app's tokens may do; sandbox apps may do everything.
        response["x-access-level"] = "read-write-directmessages"
    return add_rate_limit_headers(response, token=caller.token, endpoint=endpoint, limit=LIMITS[endpoint])


def _users_by_name(tweets: Iterable[Tweet]) -> dict[str, XUser]:
    ids = {user_id for tweet in tweets for user_id in tweet.mentioned_user_ids}
    return {user.username.lower(): user for user in XUser.objects.filter(id__in=ids)} if ids else {}


def _tweet_page(page: Page[Tweet], fields: Fields, faults: RequestFaults) -> dict[str, Any]:
    if not page.items:
        return {"meta": {"result_count": 0}}
    users_by_name = _users_by_name(page.items)
    data = []
    for tweet in page.items:
        item = tweet_json(tweet, fields, users_by_name)
        data.append(malform(item, faults, str(tweet.id)) if faults.is_malformed(str(tweet.id)) else item)
    body: dict[str, Any] = {"data": data}
    includes = Includes(fields)
    includes.add_tweets(page.items, users_by_name)
    includes.render(body, users_by_name)
    ids = [tweet.id for tweet in page.items]
    body["meta"] = {"newest_id": str(max(ids)), "oldest_id": str(min(ids)), "result_count": len(data)}
    if page.next_token:
        body["meta"]["next_token"] = page.next_token
    faults.save_log()
    return body


def _timeline(
    request: HttpRequest,
    faults: RequestFaults,
    endpoint: str,
    tweets: Callable[[], Any],
    *,
    cursor_param: str = "pagination_token",
    low: int = 5,
    keep: Callable[[Tweet], bool] | None = None,
) -> HttpResponse:
    caller = authenticate(request)
    if caller is None:
        return _unauthorized()
    fields = Fields.from_query(request.GET)
    try:
        page_request = PageRequest.parse(request.GET, cursor_param=cursor_param, low=low, high=100, default=10)
        queryset = tweets()
    except InvalidParameter as error:
        return _answer(invalid_request(error.parameter, error.value, error.message), caller, endpoint, 400)
    if queryset is None:
        return _answer({"errors": [not_found_error("user", request.path.split("/")[-2], "id")]}, caller, endpoint)
    page = page_of(queryset.select_related("author"), page_request, faults, keep=keep)
    return _answer(_tweet_page(page, fields, faults), caller, endpoint)


def _visible_tweets() -> Any:
    return Tweet.objects.filter(author__suspended=False)


@x_endpoint("mentions")
def user_mentions(request: HttpRequest, user_id: int, *, faults: RequestFaults) -> HttpResponse:
    """GET /2/users/:id/mentions"""

    def tweets() -> Any:
        if not XUser.objects.filter(pk=user_id).exists():
            return None
        return _visible_tweets().filter(mentioned_user_ids__contains=[user_id]).exclude(author_id=user_id)

    return _timeline(request, faults, "mentions", tweets)


@x_endpoint("user_tweets")
def user_tweets(request: HttpRequest, user_id: int, *, faults: RequestFaults) -> HttpResponse:
    """GET /2/users/:id/tweets (exclude=replies,retweets honoured)"""
    exclude = set(request.GET.get("exclude", "").split(","))

    def tweets() -> Any:
        if not XUser.objects.filter(pk=user_id).exists():
            return None
        queryset = Tweet.objects.filter(author_id=user_id)
        if "replies" in exclude:
            queryset = queryset.filter(in_reply_to__isnull=True)
        if "retweets" in exclude:
            queryset = queryset.filter(retweet_of__isnull=True)
        return queryset

    return _timeline(request, faults, "user_tweets", tweets)


@x_endpoint("search")
def search_recent(request: HttpRequest, *, faults: RequestFaults) -> HttpResponse:
    """GET /2/tweets/search/recent: see sandbox.search_query for the query language."""
    query = request.GET.get("query", "")
    try:
        matches = compile_query(query)
    except QuerySyntaxError as error:
        caller = authenticate(request)
        if caller is None:
            return _unauthorized()
        return _answer(
            invalid_request("query", query, f"There were errors processing your request: {error}"),
            caller,
            "search",
            400,
        )

    def keep(tweet: Tweet) -> bool:
        post = SearchablePost(
            text=tweet.text,
            lang=tweet.lang,
            author=tweet.author.username,
            is_retweet=tweet.retweet_of_id is not None,
            is_reply=tweet.in_reply_to_id is not None,
        )
        return matches(post)

    return _timeline(request, faults, "search", _visible_tweets, cursor_param="next_token", low=10, keep=keep)


@x_endpoint("tweet")
def tweet_detail(request: HttpRequest, tweet_id: int, *, faults: RequestFaults) -> HttpResponse:
    """GET /2/tweets/:id"""
    caller = authenticate(request)
    if caller is None:
        return _unauthorized()
    tweet = _visible_tweets().select_related("author").filter(pk=tweet_id).first()
    if tweet is None:
        return _answer({"errors": [not_found_error("tweet", str(tweet_id), "id")]}, caller, "tweet")
    fields = Fields.from_query(request.GET)
    users_by_name = _users_by_name([tweet])
    body: dict[str, Any] = {"data": tweet_json(tweet, fields, users_by_name)}
    includes = Includes(fields)
    includes.add_tweets([tweet], users_by_name)
    includes.render(body, users_by_name)
    return _answer(body, caller, "tweet")


@x_endpoint("create")
def create_tweet(request: HttpRequest, *, faults: RequestFaults) -> HttpResponse:
    """POST /2/tweets: a post, or a reply via reply.in_reply_to_tweet_id (refused where X refuses it)."""
    caller = authenticate(request)
    if caller is None:
        return _unauthorized()
    if not caller.user_context:
        return _user_context_required()
    body = request_json(request)
    text = body.get("text") if body else None
    if not isinstance(text, str) or not text.strip():
        return _answer(
            invalid_request("text", str(text), "The `text` field is required and may not be empty"),
            caller,
            "create",
            400,
        )
    if len(text) > services.MAX_TWEET_LENGTH:
        return _answer(invalid_request("text", text, "Your Tweet text is too long."), caller, "create", 400)
    reply = body.get("reply") if body else None
    try:
        services.check_not_duplicate(author=caller.account, text=text)
        if isinstance(reply, dict) and reply.get("in_reply_to_tweet_id"):
            tweet = services.reply_as(author=caller.account, text=text, in_reply_to=int(reply["in_reply_to_tweet_id"]))
        else:
            tweet = services.post_tweet(author=caller.account, text=text)
    except (services.ReplyNotAllowed, services.UnknownObject, services.DuplicateContent) as refusal:
        return _answer(problem(403, "Forbidden", str(refusal)), caller, "create", 403)
    except ValueError:
        return _answer(
            invalid_request("reply.in_reply_to_tweet_id", str(reply), "Not a post id"), caller, "create", 400
        )
    data = {"id": str(tweet.id), "text": served_text(tweet.text)[0], "edit_history_tweet_ids": [str(tweet.id)]}
    return _answer({"data": data}, caller, "create", 201)


@x_endpoint("hide")
def hide_reply(request: HttpRequest, tweet_id: int, *, faults: RequestFaults) -> HttpResponse:
    """PUT /2/tweets/:id/hidden {"hidden": true|false}: user context, replies to the caller's conversations."""
    caller = authenticate(request)
    if caller is None:
        return _unauthorized()
    if not caller.user_context:
        return _user_context_required()
    if request.method != "PUT":
        return _answer(problem(405, "Method Not Allowed", "Use PUT."), caller, "hide", 405)
    body = request_json(request)
    hidden = body.get("hidden") if body else None
    if not isinstance(hidden, bool):
        return _answer(invalid_request("hidden", str(hidden), "The `hidden` field is required"), caller, "hide", 400)
    tweet = _visible_tweets().filter(pk=tweet_id).first()
    if tweet is None:
        return _answer({"errors": [not_found_error("tweet", str(tweet_id), "id")]}, caller, "hide", 404)
    try:
        moderation.hide_reply(account=caller.account, tweet=tweet, hidden=hidden)
    except moderation.NotAllowed as refusal:
        return _answer(problem(403, "Forbidden", str(refusal)), caller, "hide", 403)
    return _answer({"data": {"hidden": hidden}}, caller, "hide")


def _dm_list(request: HttpRequest, faults: RequestFaults, participant_id: int | None) -> HttpResponse:
    caller = authenticate(request)
    if caller is None:
        return _unauthorized()
    if not caller.user_context:
        return _user_context_required()
    me = caller.account.id
    events = DirectMessage.objects.filter(Q(sender_id=me) | Q(recipient_id=me))
    if participant_id is not None:
        events = events.filter(Q(sender_id=participant_id) | Q(recipient_id=participant_id))
    try:
        page_request = PageRequest.parse(request.GET, cursor_param="pagination_token", low=1, high=100, default=100)
    except InvalidParameter as error:
        return _answer(invalid_request(error.parameter, error.value, error.message), caller, "dm_read", 400)
    page = page_of(events, page_request, faults)
    if not page.items:
        return _answer({"meta": {"result_count": 0}}, caller, "dm_read")
    fields = Fields.from_query(request.GET)
    data = []
    for event in page.items:
        item = dm_json(event, fields)
        data.append(malform(item, faults, str(event.id)) if faults.is_malformed(str(event.id)) else item)
    body: dict[str, Any] = {"data": data}
    includes = Includes(fields)
    includes.add_dm(page.items)
    includes.render(body, {})
    body["meta"] = {"result_count": len(data)}
    if page.next_token:
        body["meta"]["next_token"] = page.next_token
    faults.save_log()
    return _answer(body, caller, "dm_read")


@x_endpoint("dm_read")
def dm_events(request: HttpRequest, *, faults: RequestFaults) -> HttpResponse:
    """GET /2/dm_events: the account's DM events, newest first (X has no since_id here)."""
    return _dm_list(request, faults, None)


@x_endpoint("dm_read")
def dm_events_with(request: HttpRequest, participant_id: int, *, faults: RequestFaults) -> HttpResponse:
    """GET /2/dm_conversations/with/:participant_id/dm_events"""
    return _dm_list(request, faults, participant_id)


@x_endpoint("dm")
def send_dm(request: HttpRequest, participant_id: int, *, faults: RequestFaults) -> HttpResponse:
    """POST /2/dm_conversations/with/:participant_id/messages"""
    caller = authenticate(request)
    if caller is None:
        return _unauthorized()
    if not caller.user_context:
        return _user_context_required()
    body = request_json(request)
    text = body.get("text") if body else None
    if not isinstance(text, str) or not text.strip():
        return _answer(
            invalid_request("text", str(text), "The `text` field is required and may not be empty"), caller, "dm", 400
        )
    recipient = XUser.objects.filter(pk=participant_id, suspended=False).first()
    if recipient is None:
        return _answer(
            invalid_request("participant_id", str(participant_id), f"Could not find user with id: [{participant_id}]."),
            caller,
            "dm",
            400,
        )
    event = services.send_dm(sender=caller.account, recipient=recipient, text=text)
    return _answer(
        {"data": {"dm_conversation_id": event.dm_conversation_id, "dm_event_id": str(event.id)}}, caller, "dm", 201
    )
