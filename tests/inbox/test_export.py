"""`manage.py export` streams every stored message of a brand as JSON lines with a fixed set of keys."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.services import add_brand
from inbox.export import EXPORT_KEYS, exported_messages
from inbox.models import Conversation
from inbox.services.ingest import ingest_batch
from monitoring.models import Platform
from tests.inbox.ingest_helpers import NOBODY, author, batch, make_account, post

pytestmark = pytest.mark.django_db


def _export(slug: str) -> list[dict]:
    out = io.StringIO()
    call_command("export", "--brand", slug, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_export_writes_every_message_with_exactly_the_documented_keys(brand):
    feed = make_account(brand, platform=Platform.FEED, external_id="https://news.example/rss")
    x = make_account(brand, platform=Platform.X, external_id="1000")
    entry = post("tag:news,2026:1", text="Acme opens a roastery", url="https://news.example/acme", by=NOBODY)
    ingest_batch(account=feed, stream="feed", result=batch(entry))
    question = post("1", text="Where is my order?", by=author("u1", handle="ann"), language_hint="en")
    answer = post(
        "2",
        thread="1",
        text="On its way!",
        minutes=5,
        is_from_brand=True,
        by=author("1000", handle="acme"),
        in_reply_to="1",
    )
    ingest_batch(account=x, stream="mentions", result=batch(question, answer))
    other = add_brand(slug="other", name="Other")
    ingest_batch(account=make_account(other), stream="mentions", result=batch(post("1", by=author("u7"))))

    records = _export("acme")
    assert [tuple(record) for record in records] == [EXPORT_KEYS] * 3
    by_id = {record["external_id"]: record for record in records}
    assert by_id["tag:news,2026:1"] | {"received_time": None, "conversation_id": None} == {
        "platform": "feed",
        "account": "acme",
        "external_id": "tag:news,2026:1",
        "conversation_id": None,
        "direction": "in",
        "author_handle": "",
        "text": "Acme opens a roastery",
        "url": "https://news.example/acme",
        "platform_time": "2026-11-23T09:00:00Z",
        "received_time": None,
        "language": "en",
        "sentiment": "neutral",
        "status": "new",
    }
    # The customer's conversation, which the brand's answer to them joined.
    thread = Conversation.objects.get(account=x)
    assert (by_id["1"]["direction"], by_id["1"]["author_handle"], by_id["1"]["conversation_id"]) == (
        "in",
        "ann",
        thread.id,
    )
    assert by_id["2"]["conversation_id"] == thread.id
    assert (by_id["1"]["sentiment"], by_id["2"]["direction"], by_id["2"]["status"]) == ("negative", "out", "new")
    assert by_id["1"]["received_time"].endswith("Z")


def test_export_of_an_unknown_brand_says_which_brands_exist(brand):
    with pytest.raises(CommandError, match=r"No brand .nope.\. Brands: acme\."):
        _export("nope")


def test_export_streams_from_a_server_side_cursor_in_one_query(brand):
    account = make_account(brand)
    ingest_batch(account=account, stream="mentions", result=batch(*(post(str(n)) for n in range(3000))))
    with CaptureQueriesContext(connection) as captured:
        records = exported_messages(brand=brand, chunk_size=100)
        first = next(records)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
            open_cursors = cursor.fetchone()[0]
        rest = sum(1 for _ in records)
    assert first["external_id"] == "0"
    assert open_cursors == 1  # rows arrive chunk by chunk from a named cursor, not all at once
    assert rest == 2999
    assert len([query for query in captured.captured_queries if "inbox_message" in query["sql"]]) == 1
