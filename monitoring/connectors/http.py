"""HTTP sessions for the platform libraries: routed to the configured base URL, a timeout on every request."""

from __future__ import annotations

from collections.abc import Mapping

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

X_API_HOST = "https://api.twitter.com"
GRAPH_API_HOST = "https://graph.facebook.com"
# Feeds are read whole; a feed bigger than this is not a feed we want in memory.
MAX_FEED_BYTES = 5 * 1024 * 1024
USER_AGENT = "Promptly/0.1 (+https://github.com/promptly-inbox)"


class RoutedAdapter(HTTPAdapter):
    """Sends requests meant for a platform host to the configured base URL instead.

    tweepy and facebook-sdk hard-code their hosts; mounting this adapter on their session is how the
    same library code reaches the real platform, the sandbox or a tester's emulator.
    """

    def __init__(self, *, platform_base: str, target_base: str, timeout: float) -> None:
        super().__init__()
        self.platform_base = platform_base.rstrip("/")
        self.target_base = target_base.rstrip("/")
        self.timeout = timeout

    def send(  # type: ignore[override]
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | None = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = request.url or ""
        if url.startswith(self.platform_base + "/") and self.target_base != self.platform_base:
            request.url = self.target_base + url[len(self.platform_base) :]
        # The libraries send without a timeout; a hung platform must never hang a worker.
        return super().send(
            request, stream=stream, timeout=timeout or self.timeout, verify=verify, cert=cert, proxies=proxies
        )


def _timeout() -> float:
    return float(settings.PROMPTLY_HTTP_TIMEOUT_SECONDS)


def routed_session(*, platform_base: str, target_base: str) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = RoutedAdapter(platform_base=platform_base, target_base=target_base, timeout=_timeout())
    session.mount(platform_base.rstrip("/") + "/", adapter)
    return session


def x_session() -> requests.Session:
    return routed_session(platform_base=X_API_HOST, target_base=settings.PROMPTLY_X_API_URL)


def graph_session() -> requests.Session:
    return routed_session(platform_base=GRAPH_API_HOST, target_base=settings.PROMPTLY_GRAPH_API_URL)


def read_limited(response: requests.Response, *, limit: int = MAX_FEED_BYTES) -> bytes:
    """The body of a streamed response, refusing anything larger than limit."""
    body = bytearray()
    for chunk in response.iter_content(chunk_size=65536):
        body.extend(chunk)
        if len(body) > limit:
            raise ValueError(f"response larger than {limit} bytes")
    return bytes(body)
