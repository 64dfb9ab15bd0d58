"""In-app alerts travel over the brand's Channels group to the websocket of the brand's members only."""

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from accounts.roles import Role
from accounts.services import create_user
from inbox.models import Sentiment
from monitoring.alerts.consumers import AlertConsumer
from monitoring.alerts.models import AlertDelivery, AlertRule, DeliveryState
from monitoring.queries.services import add_query
from tests.monitoring.factories import ingest

pytestmark = pytest.mark.django_db(transaction=True)


class Socket(ApplicationCommunicator):
    """A websocket client speaking ASGI to the consumer (channels.testing needs daphne, which we do not ship)."""

    def __init__(self, user) -> None:
        scope = {"type": "websocket", "path": "/ws/alerts/", "headers": [], "subprotocols": [], "user": user}
        super().__init__(AlertConsumer.as_asgi(), scope)

    async def connect(self) -> bool:
        await self.send_input({"type": "websocket.connect"})
        return (await self.receive_output(5))["type"] == "websocket.accept"

    async def receive_json_from(self, timeout: float) -> dict:
        return json.loads((await self.receive_output(timeout))["text"])

    async def disconnect(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


def run(scenario: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run the async scenario on its own loop in a thread (Playwright may hold a loop in this one)."""
    outcome: Future[Any] = Future()

    def target() -> None:
        try:
            outcome.set_result(asyncio.run(scenario()))
        except BaseException as error:  # noqa: BLE001  (handed back to the test thread below)
            outcome.set_exception(error)

    # A daemon thread: a scenario that never ends fails the test and cannot keep the worker from exiting
    # (an executor would wait for it on leaving its block, and at exit).
    threading.Thread(target=target, daemon=True).start()
    try:
        return outcome.result(timeout=60)
    except TimeoutError:
        pytest.fail("the scenario did not finish within 60 s")


def _socket(user) -> Socket:
    return Socket(user)


def test_in_app_alert_reaches_the_brands_members_only(brand, agent) -> None:
    rule = AlertRule.objects.create(brand=brand, name="Angry", negative_sentiment=True, notify_in_app=True)
    rule.queries.add(add_query(brand=brand, name="Outage", query="outage"))
    outsider = create_user(username="outsider", password="x-long-password", role=Role.AGENT)

    async def scenario() -> tuple[dict, bool]:
        member, stranger = _socket(agent), _socket(outsider)
        assert await member.connect() and await stranger.connect()
        await database_sync_to_async(ingest)(brand, "outage <img src=x onerror=alert(1)>", sentiment=Sentiment.NEGATIVE)
        event = await member.receive_json_from(timeout=5)
        quiet = await stranger.receive_nothing(timeout=0.5)
        await member.disconnect()
        await stranger.disconnect()
        return event, quiet

    event, stranger_heard_nothing = run(scenario)
    assert event["kind"] == "alert"
    assert event["alert"]["title"] == "Acme Coffee: Angry"
    assert (
        event["alert"]["examples"][0]["text"] == "outage <img src=x onerror=alert(1)>"
    )  # data; the JS sets textContent
    assert stranger_heard_nothing
    assert AlertDelivery.objects.get().state == DeliveryState.SENT


def test_anonymous_socket_is_refused() -> None:
    async def scenario() -> bool:
        socket = _socket(AnonymousUser())
        accepted = await socket.connect()
        await socket.disconnect()  # lets the refused consumer end, so the loop closes without waiting on it
        return accepted

    assert run(scenario) is False
