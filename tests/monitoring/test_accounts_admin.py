"""Connecting accounts in the admin: tokens set there, shown masked, the poll schedule follows the account."""

import pytest
from django_celery_beat.models import PeriodicTask

from monitoring.channel_accounts import add_x_account
from monitoring.crypto import decrypt_credentials
from tests.conftest import PASSWORD

BEARER = "AAAAAAAAAAAAAAAAAAAAA-bearer-secret-9876"


@pytest.fixture
def x_account(brand):
    return add_x_account(brand_slug="acme", user_id="42", handle="acme", bearer_token=BEARER)


def change_form(account):
    return {
        "brand": account.brand_id,
        "platform": account.platform,
        "external_id": account.external_id,
        "handle": account.handle,
        "feed_url": "",
        "enabled": "on",
        "poll_interval_seconds": "300",
        "cursors-TOTAL_FORMS": "0",
        "cursors-INITIAL_FORMS": "0",
    }


def test_the_admin_shows_tokens_masked_never_in_full(client, superuser, x_account):
    client.login(username="root", password=PASSWORD)
    page = client.get(f"/admin/monitoring/channelaccount/{x_account.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "••••9876" in html
    assert BEARER not in html
    assert x_account.encrypted_credentials not in html


def test_an_admin_sets_a_token_and_the_interval_and_the_schedule_follows(client, superuser, x_account):
    client.login(username="root", password=PASSWORD)
    form = change_form(x_account) | {"consumer_key": "new-consumer-key"}

    answer = client.post(f"/admin/monitoring/channelaccount/{x_account.pk}/change/", form)

    assert answer.status_code == 302, answer.content.decode()[:2000]
    x_account.refresh_from_db()
    assert decrypt_credentials(x_account.encrypted_credentials) == {
        "bearer_token": BEARER,  # left empty in the form: kept
        "consumer_key": "new-consumer-key",
    }
    task = PeriodicTask.objects.get(name=f"poll account {x_account.pk}")
    assert task.interval.every == 300


def test_an_agent_cannot_open_the_account_admin(client, agent, x_account):
    client.login(username="agent", password=PASSWORD)
    answer = client.get(f"/admin/monitoring/channelaccount/{x_account.pk}/change/")
    assert answer.status_code == 302
    assert "/admin/login/" in answer["Location"]


def test_deleting_an_account_in_the_admin_stops_its_polling(client, superuser, x_account):
    client.login(username="root", password=PASSWORD)
    answer = client.post(f"/admin/monitoring/channelaccount/{x_account.pk}/delete/", {"post": "yes"})
    assert answer.status_code == 302
    assert not PeriodicTask.objects.filter(name=f"poll account {x_account.pk}").exists()
