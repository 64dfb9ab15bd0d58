"""API tokens: hashed at rest, expiring, revocable by their owner; made and revoked from the command line."""

from __future__ import annotations

import base64
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts.tokens import create_token
from tests.api.helpers import API
from tests.conftest import PASSWORD


def _get(token: str):
    return Client().get(API, headers={"Authorization": f"Token {token}"})


def test_tokens_create_prints_the_token_alone_on_its_last_line_and_it_works(agent):
    out = StringIO()
    call_command("tokens", "create", "agent", "--expires-days", "7", stdout=out)
    token = out.getvalue().splitlines()[-1]
    assert token.strip() == token and " " not in token and len(token) >= 40
    assert _get(token).status_code == 200
    stored = AuthToken.objects.get(user=agent)
    assert timedelta(days=6, hours=23) < stored.expiry - timezone.now() <= timedelta(days=7)


def test_a_token_is_stored_only_as_its_hash(agent):
    _, token = create_token(user=agent)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        rows = cursor.fetchall()
    assert rows and all(token not in value for row in rows for value in row)


def test_an_expired_token_is_refused(agent):
    instance, token = create_token(user=agent, expires_days=1)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _get(token).status_code == 401


def test_tokens_revoke_ends_every_token_of_the_person(agent, supervisor):
    first, second, theirs = create_token(user=agent)[1], create_token(user=agent)[1], create_token(user=supervisor)[1]
    out = StringIO()
    call_command("tokens", "revoke", "agent", stdout=out)
    assert "Revoked 2" in out.getvalue()
    assert _get(first).status_code == _get(second).status_code == 401
    assert AuthToken.objects.filter(user=supervisor).count() == 1
    assert theirs


def test_tokens_create_refuses_an_unknown_person_and_a_silly_expiry(agent):
    with pytest.raises(CommandError, match="no user"):
        call_command("tokens", "create", "nobody")
    with pytest.raises(CommandError, match="1 to 3650 days"):
        call_command("tokens", "create", "agent", "--expires-days", "0")
    assert not AuthToken.objects.exists()


def test_a_person_revokes_their_own_token_on_their_token_page_and_no_one_elses(client, agent, supervisor):
    mine, token = create_token(user=agent)
    theirs, their_token = create_token(user=supervisor)
    client.force_login(agent)
    page = client.get(reverse("api-tokens"))
    assert mine.token_key[:8] in page.content.decode()
    assert theirs.token_key[:8] not in page.content.decode()

    client.post(reverse("api-tokens"), {"token_key": theirs.token_key})
    client.post(reverse("api-tokens"), {"token_key": mine.token_key})

    assert _get(token).status_code == 401
    assert _get(their_token).status_code == 200


def test_the_token_page_shows_a_new_token_once(client, agent):
    client.force_login(agent)
    made = client.post(reverse("api-tokens"), {"action": "create", "expires_days": "30"}).content.decode()
    token = made.split('<pre id="new-token">')[1].split("</pre>")[0]
    assert _get(token).status_code == 200
    assert token not in client.get(reverse("api-tokens")).content.decode()


def _basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_the_token_endpoint_gives_a_token_for_a_username_and_password(agent):
    answer = Client().post(reverse("api-token"), headers=_basic("agent", PASSWORD))
    assert answer.status_code == 200
    assert _get(answer.json()["token"]).status_code == 200
    assert Client().post(reverse("api-token"), headers=_basic("agent", "wrong")).status_code in (401, 403)
