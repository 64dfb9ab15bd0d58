"""The real platform libraries, their requests.Session routed to the sandbox's base URLs."""

from __future__ import annotations

from typing import Any

import facebook
import requests
import tweepy

from sandbox.services import XCredentials


class RoutedSession(requests.Session):
    """Sends what a library addresses to a platform's host to another base URL instead."""

    def __init__(self, platform: str, base: str) -> None:
        super().__init__()
        self.platform, self.base = platform, base

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if url.startswith(self.platform):
            url = self.base + url.removeprefix(self.platform)
        kwargs.setdefault("timeout", 10)
        return super().request(method, url, *args, **kwargs)


def x_client(sandbox_url: str, credentials: XCredentials, **kwargs: Any) -> tweepy.Client:
    client = tweepy.Client(
        bearer_token=credentials.bearer_token,
        consumer_key=credentials.consumer_key,
        consumer_secret=credentials.consumer_secret,
        access_token=credentials.access_token,
        access_token_secret=credentials.access_token_secret,
        **kwargs,
    )
    client.session = RoutedSession("https://api.twitter.com", f"{sandbox_url}/x")
    return client


def graph(sandbox_url: str, token: str) -> facebook.GraphAPI:
    return facebook.GraphAPI(
        access_token=token, session=RoutedSession("https://graph.facebook.com", f"{sandbox_url}/graph")
    )
