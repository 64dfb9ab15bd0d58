"""Open websockets follow access changes at once: closed when the role or the account goes, brands left."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from inbox.events import brand_group, group_send
from settings_pages.people import deactivate_person
from tests.conftest import PASSWORD
from tests.inbox.test_consumers import run_async, socket_for

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_FORBIDDEN = 4403


def ping_brand(brand_id: int) -> None:
    group_send(brand_group(brand_id), {"type": "inbox.event", "kind": "probe"})


@pytest.mark.parametrize("change", ["lose the role", "deactivated"])
def test_the_inbox_socket_closes_when_the_role_or_the_account_goes(brand, agent, change):
    admin = create_user(username="boss", password=PASSWORD, role=Role.ADMIN)
    add_member(brand=brand, user=admin)

    def take_away() -> None:
        if change == "deactivated":
            deactivate_person(actor=admin, person=agent)
        else:
            agent.groups.clear()

    async def scenario() -> None:
        socket = socket_for(agent)
        connected, _ = await socket.connect()
        assert connected
        await database_sync_to_async(take_away)()
        closed = await socket.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": CLOSED_FORBIDDEN}

    run_async(scenario)


def test_the_inbox_socket_stops_hearing_a_brand_its_person_left(brand, agent):
    async def scenario() -> None:
        socket = socket_for(agent)
        connected, _ = await socket.connect()
        assert connected
        await database_sync_to_async(ping_brand)(brand.pk)
        assert (await socket.receive_json_from(timeout=5))["kind"] == "probe"

        await database_sync_to_async(lambda: brand.members.remove(agent))()
        await socket.receive_nothing(timeout=1)  # the access change is handled, nothing is sent
        await database_sync_to_async(ping_brand)(brand.pk)
        assert await socket.receive_nothing(timeout=1)
        await socket.disconnect()

    run_async(scenario)


def test_the_alert_socket_closes_when_the_account_is_deactivated(brand, agent, admin_user):
    from channels.testing.websocket import WebsocketCommunicator
    from django.test import Client

    from promptly.asgi import application

    client = Client()
    client.force_login(agent)
    headers = [
        (b"origin", b"http://localhost"),
        (b"host", b"localhost"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]

    async def scenario() -> None:
        socket = WebsocketCommunicator(application, "/ws/alerts/", headers=headers)
        connected, _ = await socket.connect()
        assert connected
        await database_sync_to_async(lambda: deactivate_person(actor=admin_user, person=agent))()
        assert (await socket.receive_output(timeout=5))["type"] == "websocket.close"

    run_async(scenario)
