"""URLs people configure reach only public addresses: refused when saved, at each request and each redirect."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from inbox.models import Sentiment
from monitoring.alerts.models import AlertDelivery, AlertRule
from monitoring.alerts.services import deliver, due_deliveries, set_webhook
from monitoring.channel_accounts import add_feed_account
from monitoring.connectors.base import PlatformUnavailable
from monitoring.connectors.public_urls import URLRefused, public_session, resolve_public
from monitoring.connectors.registry import connector_for
from monitoring.models import ChannelAccount
from monitoring.queries.services import add_query
from tests.conftest import free_port
from tests.monitoring.factories import ingest

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><guid>a1</guid><title>Acme news</title><link>https://news.example.com/a1</link></item></channel></rss>"""

INTERNAL = [
    ("http://127.0.0.1:9/feed.xml", "loopback"),
    ("http://localhost:9/feed.xml", "loopback"),
    ("http://10.1.2.3/feed.xml", "private"),
    ("http://192.168.0.10/feed.xml", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]:9/feed.xml", "loopback"),
    ("http://[::ffff:127.0.0.1]/feed.xml", "loopback"),
    ("http://0.0.0.0:9/feed.xml", "unspecified"),
    ("http://100.100.100.200/latest/meta-data/", "non-public"),
    ("http://224.0.0.1/feed.xml", "multicast"),
]


@pytest.mark.parametrize(("url", "kind"), INTERNAL)
def test_accounts_add_feed_refuses_an_internal_address_with_the_reason_and_stores_nothing(brand, url, kind):
    with pytest.raises(CommandError, match=kind):
        call_command("accounts", "add", "feed", "--brand", "acme", "--url", url)
    assert not ChannelAccount.objects.exists()


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "93.184.215.14"])
def test_public_addresses_pass(address):
    host = f"[{address}]" if ":" in address else address
    assert resolve_public(f"https://{host}/feed.xml") == [ipaddress.ip_address(address)]


def test_a_name_that_does_not_resolve_is_saved_and_checked_again_at_each_request(brand):
    account = add_feed_account(brand_slug="acme", url="https://alerts.invalid/feed.xml")
    with pytest.raises(PlatformUnavailable, match="does not resolve"):
        connector_for(account).fetch("feed", {})


def test_the_allowlist_lets_a_named_internal_host_and_port_through_and_nothing_else(brand, settings):
    settings.PROMPTLY_URL_ALLOWLIST = ["127.0.0.1:8001"]
    add_feed_account(brand_slug="acme", url="http://127.0.0.1:8001/feed.xml")
    with pytest.raises(ValidationError, match="loopback"):
        add_feed_account(brand_slug="acme", url="http://127.0.0.1:8002/feed.xml")


def test_sandbox_pages_are_reachable_only_while_the_sandbox_is_on(brand, settings):
    url = "http://127.0.0.1:8000/sandbox/feeds/acme.xml"
    settings.PROMPTLY_SANDBOX = False
    with pytest.raises(URLRefused, match="loopback"):
        resolve_public(url)
    settings.PROMPTLY_SANDBOX = True
    assert resolve_public(url)
    with pytest.raises(URLRefused, match="loopback"):
        resolve_public("http://127.0.0.1:8000/admin/")


def test_an_alert_rule_refuses_an_internal_webhook_url(brand):
    rule = AlertRule.objects.create(brand=brand, name="Outage", notify_in_app=True)
    with pytest.raises(ValidationError, match="link-local"):
        set_webhook(rule=rule, url="http://169.254.169.254/hook", secret="")


@pytest.fixture
def local_server(settings) -> Iterator[dict[str, Any]]:
    """An HTTP server on 127.0.0.1, allowlisted by host and port: a feed, redirects, and what it was sent."""
    port = free_port()
    seen: dict[str, Any] = {"hosts": [], "redirect_to": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen["hosts"].append(self.headers["Host"])
            if self.path == "/moved" and seen["redirect_to"]:
                self.send_response(302)
                self.send_header("Location", seen["redirect_to"])
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(FEED)

        do_POST = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PROMPTLY_URL_ALLOWLIST = [f"127.0.0.1:{port}", f"localhost:{port}"]
    seen["base"] = f"http://127.0.0.1:{port}"
    seen["port"] = port
    yield seen
    server.shutdown()
    server.server_close()


def test_a_feed_is_fetched_from_the_checked_address_with_its_own_host_name(brand, local_server):
    with public_session() as session:
        response = session.get(f"http://localhost:{local_server['port']}/feed.xml")
    assert response.status_code == 200
    assert response.url == f"http://localhost:{local_server['port']}/feed.xml"
    assert local_server["hosts"] == [f"localhost:{local_server['port']}"]


def test_a_redirect_to_an_internal_address_is_refused(brand, local_server):
    account = add_feed_account(brand_slug="acme", url=f"{local_server['base']}/moved")
    local_server["redirect_to"] = "http://127.0.0.1:9/secret"
    with pytest.raises(PlatformUnavailable, match=r"resolves to 127\.0\.0\.1, a loopback"):
        connector_for(account).fetch("feed", {})
    local_server["redirect_to"] = "/feed.xml"  # a redirect within the allowed host is followed
    assert len(connector_for(account).fetch("feed", {}).messages) == 1


def test_an_alert_webhook_saved_before_the_rule_existed_is_not_called_at_delivery(brand, settings):
    query = add_query(brand=brand, name="Outage", query="outage")
    rule = AlertRule.objects.create(brand=brand, name="Outage", negative_sentiment=True, notify_in_app=False)
    rule.queries.add(query)
    AlertRule.objects.filter(pk=rule.pk).update(webhook_url="http://127.0.0.1:9/hook")
    ingest(brand, "outage", sentiment=Sentiment.NEGATIVE)

    assert [deliver(delivery_id=pk) for pk in due_deliveries()] == ["retrying"]
    assert "loopback" in AlertDelivery.objects.get().last_error
