"""/healthz reports database, Redis and a live Celery worker; 503 when one is down."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from monitoring.channel_accounts import add_x_account
from monitoring.models import StreamCursor
from promptly.celery import app as celery_app
from promptly.health import worker_answer


@pytest.fixture(autouse=True)
def fresh_worker_answer():
    worker_answer.forget()
    yield
    worker_answer.forget()


@pytest.mark.django_db
def test_healthz_is_503_without_a_worker(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["worker"].startswith("down")
    assert body["listening"] == {"failing_streams": 0}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_with_a_real_worker_on_the_real_broker(client):
    with start_worker(celery_app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"].startswith("ok")


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("down")


@pytest.mark.django_db
def test_healthz_asks_the_broker_once_for_many_requests(client, monkeypatch):
    pings = []
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: pings.append(timeout) or [{"w": "pong"}])
    answers = [client.get("/healthz").status_code for _ in range(20)]
    assert answers == [200] * 20
    assert len(pings) == 1


def test_healthz_counts_failing_streams_without_naming_them(client, brand):
    account = add_x_account(brand_slug=brand.slug, user_id="2244994945", handle="acme_secret", bearer_token="t")
    StreamCursor.objects.create(
        account=account, stream="mentions", failing_since=timezone.now(), last_error="X refused the tokens"
    )
    StreamCursor.objects.create(account=account, stream="dms")  # healthy

    body = client.get("/healthz").content.decode()

    assert '"failing_streams": 1' in body
    assert "acme" not in body and "refused" not in body
