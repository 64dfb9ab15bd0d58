"""'Test connection': call the platform with an account's tokens and say plainly what works.

Each check is one harmless read through the same clients polling uses (tweepy, facebook-sdk, requests),
so the answer holds for the real platforms, the sandbox, and any emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import facebook
import requests
import tweepy
from django.conf import settings

from monitoring.connectors.base import PlatformUnavailable
from monitoring.connectors.feed import FeedConnector
from monitoring.connectors.http import graph_session, x_session
from monitoring.connectors.x import XCredentials

X_NEEDS_USER_TOKENS = "needs the four user tokens (consumer key and secret, access token and secret)"


@dataclass(frozen=True)
class Capability:
    """One thing Promptly does with the account, whether it works, and what it costs when it does not."""

    name: str
    works: bool
    detail: str


def _x_error(error: Exception) -> str:
    if isinstance(error, tweepy.HTTPException):
        words = "; ".join(error.api_messages) or error.response.reason
        return f"X answered {error.response.status_code}: {words}"
    return f"X could not be reached: {error.__class__.__name__}"


def check_x(*, user_id: str, credentials: XCredentials) -> list[Capability]:
    headers: dict[str, str] = {}
    session = x_session()
    session.hooks["response"].append(lambda response, *args, **kwargs: headers.update(response.headers))
    client = tweepy.Client(
        bearer_token=credentials.bearer_token or None,
        consumer_key=credentials.consumer_key or None,
        consumer_secret=credentials.consumer_secret or None,
        access_token=credentials.access_token or None,
        access_token_secret=credentials.access_secret or None,
        return_type=dict,
    )
    client.session = session
    results = []
    try:
        client.get_users_mentions(user_id, max_results=5, user_auth=not credentials.bearer_token)
        results.append(Capability("Read mentions", True, "Mentions and keyword searches are heard."))
    except (tweepy.TweepyException, requests.RequestException) as error:
        results.append(Capability("Read mentions", False, f"{_x_error(error)}. Nothing from X will be heard."))
    if not credentials.user_context:
        results.append(Capability("Read DMs", False, f"Private messages are not heard: {X_NEEDS_USER_TOKENS}."))
        results.append(
            Capability("Post replies", False, f"Replies must be written on X by hand: {X_NEEDS_USER_TOKENS}.")
        )
        return results
    headers.clear()
    try:
        client.get_direct_message_events(max_results=1, user_auth=True)
        results.append(Capability("Read DMs", True, "Private messages are heard."))
    except (tweepy.TweepyException, requests.RequestException) as error:
        results.append(Capability("Read DMs", False, f"{_x_error(error)}. Private messages are not heard."))
    level = headers.get("x-access-level", "")
    if "write" in level:
        results.append(Capability("Post replies", True, f"The app's access level is {level}."))
    else:
        detail = f"The app's access level is {level or 'unknown'}: give the X app read and write permission"
        results.append(Capability("Post replies", False, f"{detail}, or replies must be written on X by hand."))
    return results


def graph_error(error: Exception) -> str:
    if isinstance(error, facebook.GraphAPIError):
        return f"Facebook answered: {error.message}"
    return f"Facebook could not be reached: {error.__class__.__name__}"


def read_page(*, page_id: str, page_token: str) -> dict[str, Any]:
    """The Page as its token sees it; raises facebook.GraphAPIError or requests' errors when it cannot."""
    graph = facebook.GraphAPI(access_token=page_token, session=graph_session())
    answer = graph.request(f"{settings.PROMPTLY_GRAPH_VERSION}/{page_id}", args={"fields": "id,name"})
    if not isinstance(answer, dict) or str(answer.get("id")) != page_id:
        raise facebook.GraphAPIError({"error": {"message": f"the token does not read Page {page_id}"}})
    return answer


def check_facebook(*, page_id: str, page_token: str) -> list[Capability]:
    graph = facebook.GraphAPI(access_token=page_token, session=graph_session())
    version = settings.PROMPTLY_GRAPH_VERSION
    checks = [
        ("Read the Page's posts and comments", f"{page_id}/feed", "Comments on the Page are not heard."),
        ("Read posts that tag the Page", f"{page_id}/tagged", "Mentions of the Page elsewhere are not heard."),
        ("Read Messenger conversations", f"{page_id}/conversations", "Private messages are not heard."),
    ]
    results = []
    try:
        page = read_page(page_id=page_id, page_token=page_token)
        results.append(Capability("Read the Page", True, f"Connected to {page.get('name', page_id)}."))
    except (facebook.GraphAPIError, requests.RequestException) as error:
        return [Capability("Read the Page", False, f"{graph_error(error)}. Nothing from this Page will be heard.")]
    for name, path, cost in checks:
        try:
            graph.request(f"{version}/{path}", args={"limit": "1"})
            results.append(Capability(name, True, "Works."))
        except (facebook.GraphAPIError, requests.RequestException) as error:
            results.append(Capability(name, False, f"{graph_error(error)}. {cost}"))
    results.append(
        Capability("Post replies", True, "Replies use the same Page token; a refusal is shown on the reply.")
    )
    return results


def check_feed(*, url: str) -> list[Capability]:
    try:
        result = FeedConnector(url=url).fetch("feed", {})
    except PlatformUnavailable as error:
        return [Capability("Read the feed", False, f"{error.reason.capitalize()}. Nothing from it will be heard.")]
    count = len(result.messages) + len(result.quarantined)
    return [Capability("Read the feed", True, f"The feed answered with {count} entries.")]
