"""Pushed mentions over real HTTP: the generic signed webhook and Facebook Page webhooks (valid, unsigned, forged)."""

import json

import pytest
import requests

from inbox.models import Direction, Message, QuarantinedItem, Visibility
from monitoring.channel_accounts import add_facebook_account, add_webhook_account
from monitoring.connectors.webhook import sign

PAGE_ID = "104857600"
APP_SECRET = "fb-app-secret-for-tests"


@pytest.fixture
def source(asgi_server, live_brand):
    account, secret = add_webhook_account(brand_slug="acme", name="reviews")
    return f"{asgi_server}/webhooks/inbound/{account.pk}/", secret, account


def review(external_id="r-1", text="The beans were stale <script>x</script>"):
    return {
        "id": external_id,
        "text": text,
        "created_at": "2026-11-20T10:00:00Z",
        "author": {"id": "u-9", "handle": "critic", "name": "A Critic", "followers": 12},
        "url": "https://reviews.example.com/r-1",
    }


def post(url, body: bytes, signature: str | None = None, header="X-Promptly-Signature"):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[header] = signature
    return requests.post(url, data=body, headers=headers, timeout=10)


def test_a_signed_delivery_is_stored_once_and_a_bad_item_is_quarantined(source):
    url, secret, account = source
    body = json.dumps({"messages": [review(), review(), {"text": "no id"}]}).encode()

    answer = post(url, body, sign(secret, body))

    assert answer.status_code == 200
    assert answer.json() == {"stored": 1}
    stored = Message.objects.select_related("author").get(account=account)
    assert (stored.external_id, stored.author.handle, stored.direction) == ("r-1", "critic", Direction.INBOUND)
    assert QuarantinedItem.objects.get(account=account).reason == "message has no usable id"
    assert post(url, body, sign(secret, body)).json() == {"stored": 0}
    assert Message.objects.filter(account=account).count() == 1
    assert QuarantinedItem.objects.filter(account=account).count() == 1  # delivered twice, quarantined once


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc"])
def test_an_unsigned_or_forged_delivery_is_refused_and_nothing_is_stored(source, signature):
    url, _, _ = source
    body = json.dumps({"messages": [review()]}).encode()

    assert post(url, body, signature).status_code == 403
    assert not Message.objects.exists()


def test_a_delivery_signed_with_another_secret_is_refused(source):
    url, _, _ = source
    body = json.dumps(review()).encode()
    assert post(url, body, sign("guessed-secret", body)).status_code == 403
    assert not Message.objects.exists()


def test_a_signed_body_that_is_not_json_is_a_bad_request(source):
    url, secret, _ = source
    assert post(url, b"not json", sign(secret, b"not json")).status_code == 400


@pytest.fixture
def page(asgi_server, live_brand, settings):
    settings.PROMPTLY_FACEBOOK_APP_SECRET = APP_SECRET
    settings.PROMPTLY_FACEBOOK_VERIFY_TOKEN = "verify-me"
    account = add_facebook_account(brand_slug="acme", page_id=PAGE_ID, page_token="page-token")
    return f"{asgi_server}/webhooks/facebook/", account


def page_delivery() -> bytes:
    return json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1763900000,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "post_id": f"{PAGE_ID}_1",
                                "comment_id": "1_77",
                                "parent_id": f"{PAGE_ID}_1",
                                "message": "Wrong order again!",
                                "created_time": 1763900000,
                                "from": {"id": "3001", "name": "Ona"},
                            },
                        },
                        {"field": "feed", "value": {"item": "reaction", "verb": "add", "post_id": f"{PAGE_ID}_1"}},
                        {"field": "feed", "value": {"item": "comment", "verb": "add", "message": "no post id"}},
                    ],
                    "messaging": [
                        {
                            "sender": {"id": "4002"},
                            "recipient": {"id": PAGE_ID},
                            "timestamp": 1763900000123,
                            "message": {"mid": "m_abc", "text": "Where is my refund?"},
                        }
                    ],
                }
            ],
        }
    ).encode()


def test_facebook_verification_echoes_the_challenge_only_for_our_token(page):
    url, _ = page
    ok = requests.get(
        url,
        params={"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"},
        timeout=10,
    )
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = requests.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}, timeout=10
    )
    assert wrong.status_code == 403


def test_a_signed_page_delivery_enters_the_same_ingest_path(page):
    url, account = page
    body = page_delivery()

    answer = post(url, body, sign(APP_SECRET, body), header="X-Hub-Signature-256")

    assert answer.json() == {"stored": 2}
    comment = Message.objects.select_related("conversation").get(external_id="1_77")
    assert (comment.conversation.thread_key, comment.in_reply_to, comment.visibility) == (
        f"{PAGE_ID}_1",
        f"{PAGE_ID}_1",
        Visibility.PUBLIC,
    )
    dm = Message.objects.select_related("conversation").get(external_id="m_abc")
    assert (dm.conversation.thread_key, dm.visibility) == ("dm:4002", Visibility.PRIVATE)
    assert QuarantinedItem.objects.get(account=account).reason == "change has no post_id"


@pytest.mark.parametrize("signature", [None, "sha256=" + "f" * 64])
def test_an_unsigned_or_forged_page_delivery_is_refused_and_nothing_is_stored(page, signature):
    url, _ = page
    body = page_delivery()
    assert post(url, body, signature, header="X-Hub-Signature-256").status_code == 403
    assert not Message.objects.exists()
    assert not QuarantinedItem.objects.exists()


def test_a_body_larger_than_allowed_is_refused_even_without_a_length(source, settings):
    url, secret, _ = source
    settings.PROMPTLY_MAX_BODY_BYTES = 64 * 1024

    def chunked():  # no Content-Length to refuse it by
        for _ in range(100):
            yield b" " * 16 * 1024

    answer = requests.post(url, data=chunked(), headers={"X-Promptly-Signature": sign(secret, b"")}, timeout=10)

    assert answer.status_code == 413
    declared = requests.post(url, data=b"x" * (64 * 1024 + 1), timeout=10)
    assert declared.status_code == 413


def test_a_deeply_nested_delivery_over_http_is_a_400_and_an_unknown_source_a_403(source, asgi_server):
    url, secret, account = source
    body = b"[" * 100_000 + b"]" * 100_000
    assert post(url, body, sign(secret, body)).status_code == 400
    unknown = f"{asgi_server}/webhooks/inbound/{account.pk + 1000}/"
    body = json.dumps(review()).encode()
    assert post(unknown, body, sign(secret, body)).json() == post(url, body, "sha256=" + "0" * 64).json()
    assert post(unknown, body, sign(secret, body)).status_code == 403
