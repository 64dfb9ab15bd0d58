"""The live socket on the real Redis channel layer: session auth, brand events, presence, typing, expiry."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.test import Client

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from inbox import presence
from inbox.models import Status
from inbox.services import workflow
from promptly.asgi import application
from tests.conftest import PASSWORD
from tests.inbox.factories import ConversationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_async(scenario) -> None:
    """Run the scenario on a fresh event loop in its own thread (Playwright may own this thread's loop)."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:  # noqa: BLE001  (handed back to the test thread below)
            failure.append(error)

    thread = threading.Thread(target=target, daemon=True)  # a hung scenario must not keep the worker alive
    thread.start()
    thread.join(timeout=60)
    if failure:
        raise failure[0]
    if thread.is_alive():
        pytest.fail("the scenario did not finish within 60 s")


def socket_for(user=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if user is not None:
        client = Client()
        client.force_login(user)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    return WebsocketCommunicator(application, "/ws/inbox/", headers=headers)


async def next_of_kind(socket: WebsocketCommunicator, kind: str, timeout: float = 5, where=None) -> dict:
    """The next message of that kind (and matching `where`), skipping the others."""
    deadline = time.monotonic() + timeout
    while True:
        message = await socket.receive_json_from(timeout=max(0.1, deadline - time.monotonic()))
        if message.get("kind") == kind and (where is None or where(message)):
            return message


def names(people: list[dict]) -> list[str]:
    return sorted(person["name"] for person in people)


async def hears_nothing(socket: WebsocketCommunicator, wait: float = 0.7) -> bool:
    # receive_nothing leaves the application running (a timed-out receive would cancel it).
    return await socket.receive_nothing(timeout=wait)


def test_relaying_brand_events_makes_no_hop_to_a_database_thread(agent, brand, monkeypatch):
    """Every socket relays every event of its brands: Channels' stale-connection cleanup before each message,
    a hop to a worker thread, is left to the handlers that use the database."""
    import channels.consumer

    cleanups = []

    async def counted_cleanup():
        cleanups.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted_cleanup)
    conversations = ConversationFactory.create_batch(3, brand=brand)

    async def scenario():
        socket = socket_for(agent)
        assert (await socket.connect())[0]
        before = len(cleanups)
        for conversation in conversations:
            await database_sync_to_async(workflow.do_change_status)(
                actor=agent, conversation_id=conversation.pk, status=Status.OPEN
            )
            assert (await next_of_kind(socket, "conversation.updated"))["conversation_ids"] == [conversation.pk]
        assert len(cleanups) == before
        await socket.send_json_to({"type": "ping"})
        await socket.send_json_to({"type": "nonsense"})
        assert (await next_of_kind(socket, "error"))["detail"] == "Unknown message."
        assert len(cleanups) == before + 2  # the page's own messages are dispatched as Channels does
        await socket.disconnect()

    run_async(scenario)


@pytest.fixture
def colleague(brand):
    user = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=user)
    return user


def test_anonymous_visitors_are_refused():
    async def scenario():
        socket = socket_for()
        connected, code = await socket.connect()
        assert not connected
        assert code == 4403
        await socket.disconnect()

    run_async(scenario)


def test_members_hear_their_brands_changes_and_nobody_else_does(agent, brand, stranger):
    conversation = ConversationFactory(brand=brand)

    async def scenario():
        mine, theirs = socket_for(agent), socket_for(stranger)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await database_sync_to_async(workflow.do_change_status)(
            actor=agent, conversation_id=conversation.pk, status=Status.OPEN
        )
        event = await next_of_kind(mine, "conversation.updated")
        assert event["conversation_ids"] == [conversation.pk]
        assert await hears_nothing(theirs)
        await mine.disconnect()
        await theirs.disconnect()

    run_async(scenario)


def test_viewers_see_each_other_typing_is_throttled_and_leaving_clears(agent, colleague, brand):
    conversation = ConversationFactory(brand=brand)

    async def scenario():
        ann, bob = socket_for(agent), socket_for(colleague)
        await ann.connect()
        await bob.connect()
        await ann.send_json_to({"type": "view", "conversation_id": conversation.pk})
        seen = await next_of_kind(bob, "presence")
        assert seen["conversation_id"] == conversation.pk
        assert [p["name"] for p in seen["viewers"]] == ["agent"]

        await bob.send_json_to({"type": "view", "conversation_id": conversation.pk})
        both = await next_of_kind(ann, "presence", where=lambda m: len(m["viewers"]) == 2)
        assert names(both["viewers"]) == ["agent", "colleague"]
        await next_of_kind(bob, "presence", where=lambda m: len(m["viewers"]) == 2)

        await ann.send_json_to({"type": "typing", "conversation_id": conversation.pk})
        typing = await next_of_kind(bob, "presence", where=lambda m: m["typing"])
        assert names(typing["typing"]) == ["agent"]
        await next_of_kind(ann, "presence", where=lambda m: m["typing"])
        await ann.send_json_to({"type": "typing", "conversation_id": conversation.pk})
        assert await hears_nothing(bob)  # the second keystroke within the throttle is not news

        await ann.disconnect()  # the tab closes
        left = await next_of_kind(bob, "presence")
        assert [p["name"] for p in left["viewers"]] == ["colleague"]
        assert left["typing"] == []
        await bob.disconnect()

    run_async(scenario)


def test_typing_only_counts_in_the_conversation_one_views(agent, colleague, brand):
    conversation = ConversationFactory(brand=brand)

    async def scenario():
        ann, bob = socket_for(agent), socket_for(colleague)
        await ann.connect()
        await bob.connect()
        await ann.send_json_to({"type": "typing", "conversation_id": conversation.pk})
        assert await hears_nothing(bob)
        await ann.disconnect()
        await bob.disconnect()

    run_async(scenario)


def test_viewing_another_brands_conversation_is_refused(brand, stranger):
    conversation = ConversationFactory(brand=brand)

    async def scenario():
        socket = socket_for(stranger)
        await socket.connect()
        await socket.send_json_to({"type": "view", "conversation_id": conversation.pk})
        error = await next_of_kind(socket, "error")
        assert "No such conversation" in error["detail"]
        assert (await presence.who_is_here(conversation.pk))["viewers"] == []
        await socket.disconnect()

    run_async(scenario)


def test_a_tab_that_vanished_without_goodbye_lapses(brand):
    async def scenario():
        # A viewer whose last heartbeat was long ago, as a crashed browser leaves it.
        key = f"presence:view:{987654}"
        await presence.redis_client().zadd(key, {"7:ghost": time.time() - 1, "8:alive": time.time() + 30})
        here = await presence.who_is_here(987654)
        assert [p["name"] for p in here["viewers"]] == ["alive"]
        await presence.redis_client().delete(key)

    run_async(scenario)


def test_connecting_marks_the_agent_online(agent):
    async def scenario():
        socket = socket_for(agent)
        await socket.connect()
        await socket.send_json_to({"type": "ping"})
        await asyncio.sleep(0.3)
        await socket.disconnect()

    run_async(scenario)
    agent.availability.refresh_from_db()
    assert agent.availability.last_seen_at is not None
