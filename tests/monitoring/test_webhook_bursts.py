"""A burst of one Page's Facebook deliveries over real HTTP: stored in batches, never one at a time behind a lock."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from django.db import transaction

from inbox.models import Message
from monitoring.channel_accounts import add_facebook_account
from monitoring.connectors.facebook import WEBHOOK_STREAM
from monitoring.connectors.webhook import sign
from monitoring.models import ChannelAccount, StreamCursor
from monitoring.webhook_batches import _accounts_of

PAGE_ID = "104857600"
APP_SECRET = "fb-app-secret-for-tests"


@pytest.fixture
def page_url(asgi_server: str, live_brand: Any, settings: Any) -> str:
    settings.PROMPTLY_FACEBOOK_APP_SECRET = APP_SECRET
    add_facebook_account(brand_slug="acme", page_id=PAGE_ID, page_token="page-token")
    return f"{asgi_server}/webhooks/facebook/"


def comment(number: int) -> bytes:
    """A delivery of one new top-level comment, as Facebook sends it."""
    value = {
        "item": "comment",
        "verb": "add",
        "post_id": f"{PAGE_ID}_1",
        "comment_id": f"1_{number}",
        "parent_id": f"{PAGE_ID}_1",
        "message": f"Comment {number}",
        "created_time": 1763900000 + number,
        "from": {"id": f"30{number}", "name": f"Person {number}"},
    }
    entry = {"id": PAGE_ID, "time": 1763900000, "changes": [{"field": "feed", "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def deliver(url: str, body: bytes, timeout: float = 30) -> requests.Response:
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(APP_SECRET, body)}
    return requests.post(url, data=body, headers=headers, timeout=timeout)


def test_a_delivery_is_stored_while_another_transaction_holds_the_pages_stream_cursor(page_url: str) -> None:
    assert deliver(page_url, comment(1)).json() == {"stored": 1}
    with transaction.atomic():
        StreamCursor.objects.select_for_update().get(stream=WEBHOOK_STREAM)
        answer = deliver(page_url, comment(2), timeout=10)
    assert answer.json() == {"stored": 1}


def test_a_burst_of_deliveries_is_answered_and_each_counts_what_it_stored(page_url: str) -> None:
    deliver(page_url, comment(0))  # the first request of a process loads what ingest needs
    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(lambda number: deliver(page_url, comment(number % 40)), range(1, 61)))
    assert [answer.status_code for answer in answers] == [200] * 60
    assert sum(answer.json()["stored"] for answer in answers) == 39  # 1..39; 40..60 repeat 0..20
    assert Message.objects.count() == 40


def _fields(instance: Any) -> dict[str, Any]:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_batch_reads_its_pages_enabled_accounts_with_their_brands_as_the_orm_would(brand: Any) -> None:
    add_facebook_account(brand_slug="acme", page_id=PAGE_ID, page_token="page-token")
    paused = add_facebook_account(brand_slug="acme", page_id="2", page_token="page-token")
    ChannelAccount.objects.filter(pk=paused.pk).update(enabled=False)
    found = _accounts_of({PAGE_ID, "2", "never-connected"})
    assert list(found) == [PAGE_ID]
    [account] = found[PAGE_ID]
    expected = ChannelAccount.objects.select_related("brand").get(external_id=PAGE_ID)
    assert _fields(account) == _fields(expected)
    assert _fields(account.brand) == _fields(expected.brand)
    assert not account._state.adding and not account.brand._state.adding
