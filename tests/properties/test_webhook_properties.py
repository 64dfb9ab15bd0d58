"""Whatever a webhook delivery holds, it ends stored, quarantined or refused with a clear 4xx, never a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.channel_accounts import add_facebook_account, add_webhook_account
from monitoring.connectors.webhook import MAX_DEPTH, sign
from monitoring.webhook_batches import store_facebook_delivery_here
from monitoring.webhooks import WebhookRejected, receive_inbound, verified_facebook_delivery

APP_SECRET = "fb-app-secret-for-properties"
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40), st.just("\x00\ud800")
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
AUTHOR = st.fixed_dictionaries({}, optional={"id": JSON, "handle": JSON, "name": JSON, "followers": JSON})
ITEM = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=600), st.integers(), JSON),
        "text": st.one_of(st.text(max_size=200), JSON),
        "created_at": st.one_of(st.text(max_size=40), JSON),
        "author": st.one_of(AUTHOR, JSON),
        "thread": JSON,
        "url": st.one_of(st.text(max_size=60), JSON),
        "visibility": JSON,
        "in_reply_to": JSON,
        "language": JSON,
    },
)
INBOUND = st.one_of(JSON, ITEM, st.fixed_dictionaries({"messages": st.one_of(st.lists(ITEM, max_size=5), JSON)}))
FB_VALUE = st.fixed_dictionaries(
    {},
    optional={
        "item": st.one_of(st.sampled_from(["comment", "post", "status", "reaction"]), JSON),
        "verb": st.one_of(st.sampled_from(["add", "edited", "remove"]), JSON),
        "comment_id": JSON,
        "post_id": JSON,
        "parent_id": JSON,
        "message": JSON,
        "created_time": st.one_of(st.integers(), JSON),
        "from": st.one_of(st.fixed_dictionaries({}, optional={"id": JSON, "name": JSON}), JSON),
    },
)
FB_EVENT = st.fixed_dictionaries(
    {},
    optional={
        "sender": st.one_of(st.fixed_dictionaries({"id": JSON}), JSON),
        "recipient": st.one_of(st.fixed_dictionaries({"id": st.just("104857600")}), JSON),
        "timestamp": st.one_of(st.integers(), JSON),
        "message": st.one_of(st.fixed_dictionaries({}, optional={"mid": JSON, "text": JSON, "is_echo": JSON}), JSON),
    },
)
FB_ENTRY = st.fixed_dictionaries(
    {"id": st.one_of(st.just("104857600"), JSON)},
    optional={
        "changes": st.one_of(st.lists(st.fixed_dictionaries({"field": st.just("feed"), "value": FB_VALUE})), JSON),
        "messaging": st.one_of(st.lists(FB_EVENT, max_size=3), JSON),
        "time": JSON,
    },
)
FACEBOOK = st.one_of(
    JSON, st.fixed_dictionaries({"object": st.one_of(st.just("page"), JSON), "entry": st.lists(FB_ENTRY, max_size=3)})
)


def _nested(depth: int) -> bytes:
    return b'{"messages": ' + b"[" * depth + b"]" * depth + b"}"


BODIES = st.one_of(
    INBOUND.map(lambda payload: json.dumps(payload).encode()),
    st.binary(max_size=200),
    st.integers(MAX_DEPTH - 2, 200_000).map(_nested),
)


@pytest.fixture
def webhook_source(brand):
    return add_webhook_account(brand_slug=brand.slug, name="reviews")


@pytest.fixture
def facebook_page(brand, settings):
    settings.PROMPTLY_FACEBOOK_APP_SECRET = APP_SECRET
    return add_facebook_account(brand_slug=brand.slug, page_id="104857600", page_token="page-token")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES)
def test_any_signed_inbound_delivery_is_stored_quarantined_or_a_clear_4xx(webhook_source, body):
    account, secret = webhook_source
    try:
        stored = receive_inbound(account_id=account.pk, body=body, signature=sign(secret, body))
    except WebhookRejected as rejected:
        assert 400 <= rejected.status < 500
        assert rejected.reason
        return
    assert stored >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.one_of(FACEBOOK.map(lambda value: json.dumps(value).encode()), st.binary(max_size=100)))
def test_any_signed_facebook_delivery_is_stored_quarantined_or_a_clear_4xx(facebook_page, payload):
    try:
        per_page = verified_facebook_delivery(body=payload, signature=sign(APP_SECRET, payload))
        stored = store_facebook_delivery_here(per_page)
    except WebhookRejected as rejected:
        assert 400 <= rejected.status < 500
        return
    assert stored >= 0


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
def test_a_deeply_nested_delivery_is_a_400(webhook_source, depth):
    account, secret = webhook_source
    body = _nested(depth)
    with pytest.raises(WebhookRejected, match="nested deeper") as rejected:
        receive_inbound(account_id=account.pk, body=body, signature=sign(secret, body))
    assert rejected.value.status == 400


def test_an_unknown_source_answers_exactly_as_a_bad_signature(webhook_source):
    account, _ = webhook_source
    body = b'{"id": "1", "text": "hi"}'
    answers = []
    for account_id, signature in ((account.pk, "sha256=" + "0" * 64), (account.pk + 1000, sign("guess", body))):
        with pytest.raises(WebhookRejected) as rejected:
            receive_inbound(account_id=account_id, body=body, signature=signature)
        answers.append((rejected.value.status, rejected.value.reason))
    assert answers[0] == answers[1] == (403, "missing or wrong signature")
