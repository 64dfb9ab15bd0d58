"""Failed sign-ins are throttled per account and per address on every way in, with a clear answer."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

LIMIT = 5


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def _login(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def test_the_login_page_locks_an_account_after_repeated_failures_even_for_the_right_password(agent):
    client = Client()
    for _ in range(LIMIT - 1):
        assert _login(client, "agent", "wrong").status_code == 200
    locked = _login(client, "agent", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert _login(client, "agent", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_guessing_many_accounts_is_locked_out(agent, supervisor):
    client = Client()
    for number in range(LIMIT):
        _login(client, f"someone-{number}", "guess")
    assert _login(client, "supervisor", PASSWORD).status_code == 429


def test_an_account_is_locked_from_every_address(agent):
    for number in range(LIMIT):
        _login(Client(REMOTE_ADDR=f"203.0.113.{number}"), "agent", "wrong")
    assert _login(Client(REMOTE_ADDR="198.51.100.7"), "agent", PASSWORD).status_code == 429


def test_the_admin_login_is_throttled_too(admin_user):
    client = Client()
    for _ in range(LIMIT):
        _login(client, "admin", "wrong", "/admin/login/")
    assert _login(client, "admin", PASSWORD, "/admin/login/").status_code == 429


def test_the_api_token_endpoint_is_throttled_with_a_json_reason(agent):
    client = Client()

    def attempt(password: str):
        basic = base64.b64encode(f"agent:{password}".encode()).decode()
        return client.post(reverse("api-token"), headers={"Authorization": f"Basic {basic}"})

    for _ in range(LIMIT):
        attempt("wrong")
    locked = attempt(PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.json()["detail"]


def test_a_successful_sign_in_below_the_limit_clears_the_count(agent):
    client = Client()
    for _ in range(LIMIT - 1):
        _login(client, "agent", "wrong")
    assert _login(client, "agent", PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        _login(Client(), "agent", "wrong")
    assert _login(Client(), "agent", PASSWORD).status_code == 302
