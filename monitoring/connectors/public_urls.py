"""Fetching URLs people configure (feeds, alert webhooks) only from public addresses, never inside our network.

A URL is checked when it is saved and again at every request, redirects included: every address its host
resolves to must be public (not loopback, private, link-local, multicast, reserved or a cloud metadata
address), and the connection goes to the address that was checked, so a name that resolves to something
else a moment later (DNS rebinding) reaches nothing new. Two exceptions, for development and tests only:
`PROMPTLY_URL_ALLOWLIST` (hosts or host:port pairs) and, while the sandbox is on, the sandbox's own pages
(paths under /sandbox/). The platform base URLs an operator sets in the environment do not pass here.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from monitoring.connectors.http import USER_AGENT

MAX_REDIRECTS = 5
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class URLRefused(ValueError):
    """The URL is not fetched from here; the message says why, in words for the admin who set it."""


class NameNotResolved(URLRefused):
    """The host has no address (now): nothing to fetch, and nothing internal either."""


def _kind(address: IPAddress) -> str:
    """What makes an address off limits, or "" for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _kind(address.ipv4_mapped)
    for kind, flag in (
        ("a loopback", address.is_loopback),
        ("a link-local (cloud metadata)", address.is_link_local),
        ("a multicast", address.is_multicast),
        ("an unspecified", address.is_unspecified),
        ("a reserved", address.is_reserved),
        ("a private", address.is_private),
    ):
        if flag:
            return kind
    return "" if address.is_global else "a non-public"


def _port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise URLRefused(f"{url[:200]!r} is not an http(s) URL.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise URLRefused(f"{url[:200]!r} has an invalid port.") from None
    return parts.hostname.lower(), port


def _excepted(url: str, host: str, port: int) -> bool:
    allowlist = {entry.strip().lower() for entry in settings.PROMPTLY_URL_ALLOWLIST if entry.strip()}
    if host in allowlist or f"{host}:{port}" in allowlist:
        return True
    return bool(settings.PROMPTLY_SANDBOX) and urlsplit(url).path.startswith("/sandbox/")


def resolve_public(url: str) -> list[IPAddress]:
    """The addresses to connect to for url, all checked; raises URLRefused naming the first one refused."""
    host, port = _port(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise NameNotResolved(f"{host} does not resolve to any address.") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found))
    if not addresses:
        raise NameNotResolved(f"{host} does not resolve to any address.")
    if _excepted(url, host, port):
        return addresses
    for address in addresses:
        kind = _kind(address)
        if kind:
            raise URLRefused(
                f"{host} resolves to {address}, {kind} address: Promptly fetches only public addresses "
                "(PROMPTLY_URL_ALLOWLIST names exceptions for development)."
            )
    return addresses


class PinnedAdapter(HTTPAdapter):
    """Checks every request's URL (each redirect comes back here) and connects to the checked address.

    The request goes out with its URL rewritten to the address and the original Host header; for HTTPS the
    TLS handshake still names and verifies the original host (SNI and certificate).
    """

    def __init__(self, *, timeout: float) -> None:
        super().__init__(max_retries=0)
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **options: Any) -> requests.Response:  # type: ignore[override]
        url = request.url or ""
        address = resolve_public(url)[0]
        parts = urlsplit(url)
        literal = f"[{address}]" if address.version == 6 else str(address)
        wire = request.copy()
        wire.url = urlunsplit(parts._replace(netloc=f"{literal}:{_port(url)[1]}"))
        wire.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        # Proxies are never used: the connection goes to the checked address itself.
        options.update(timeout=options.get("timeout") or self.timeout, proxies=None)
        response = super().send(wire, **options)
        # Redirects are resolved against the URL as given, and start again from the request as given.
        response.url, response.request = url, request
        return response

    def build_connection_pool_key_attributes(  # type: ignore[override]
        self, request: requests.PreparedRequest, verify: bool | str, cert: str | tuple[str, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        extra: dict[str, Any] = dict(pool_kwargs)
        if host_params["scheme"] == "https":
            hostname = urlsplit("//" + str(request.headers["Host"])).hostname or ""
            extra["server_hostname"] = hostname
            extra["assert_hostname"] = hostname
        return dict(host_params), extra


def public_session() -> requests.Session:
    """A session for URLs people configure: public addresses only, pinned, no proxies from the environment."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    session.max_redirects = MAX_REDIRECTS
    adapter = PinnedAdapter(timeout=float(settings.PROMPTLY_HTTP_TIMEOUT_SECONDS))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check_public_url(url: str) -> None:
    """For saving a URL: raises URLRefused with the reason, or returns.

    A name that does not resolve today is accepted (it reaches nothing); each request checks it again.
    """
    try:
        resolve_public(url)
    except NameNotResolved:
        return
