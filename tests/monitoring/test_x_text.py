"""X text is stored as the person wrote it: X's escaped entities and t.co links decoded, the served form kept."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from inbox.models import Message
from monitoring.channel_accounts import add_x_account
from monitoring.connectors.base import OutboundReply
from monitoring.connectors.registry import connector_for
from monitoring.connectors.x_text import decode_x_text
from monitoring.services import poll_account
from sandbox import services as sandbox
from sandbox import traffic
from sandbox.api.x_format import served_text
from sandbox.models import Tweet
from tests.inbox.sandbox_channels import x_account


def test_entities_and_t_co_links_are_decoded_once():
    served = "fish &amp; chips &lt;3 &gt;:( &amp;amp; https://t.co/AbC123xyZ0 and https://t.co/unknown00"
    entities = {"urls": [{"url": "https://t.co/AbC123xyZ0", "expanded_url": "https://shop.example/?a=1&amp;b=2"}]}

    assert decode_x_text(served, entities) == (
        "fish & chips <3 >:( &amp; https://shop.example/?a=1&amp;b=2 and https://t.co/unknown00"
    )


def test_malformed_entities_leave_the_text_as_served():
    served = "see https://t.co/AbC123xyZ0"
    for entities in (None, [], {"urls": "x"}, {"urls": [None, {"url": 5}, {"url": "https://t.co/AbC123xyZ0"}]}):
        assert decode_x_text(served, entities) == served


PIECES = [*"ab &<>;:./ ", "https://e.example/x?q=1&r=2", "amp", "lt", "https://t.co/AbC123xyZ0"]


@given(st.lists(st.sampled_from(PIECES)).map("".join))
def test_what_the_sandbox_serves_decodes_to_what_was_written(text):
    served, urls = served_text(text)

    assert "<" not in served and ">" not in served
    assert decode_x_text(served, {"urls": urls}) == text


def test_a_realistic_stream_is_stored_and_exported_exactly_as_written(platforms, live_brand):
    brand = sandbox.create_x_account(username="acme", name="Acme Coffee")
    traffic.generate(brand="acme", count=600, seed=15, mentions_only=True)
    written = dict(Tweet.objects.exclude(author_id=int(brand.user_id)).values_list("id", "text"))
    altered = {i for i, text in written.items() if served_text(text)[0] != text}
    assert len(altered) > 60  # the stream has ampersands, angle brackets and links, as real traffic does
    account = add_x_account(
        brand_slug="acme", user_id=brand.user_id, handle=brand.username, bearer_token=brand.bearer_token
    )

    poll_account(account.pk)

    stored = dict(Message.objects.filter(account=account).values_list("external_id", "text"))
    assert stored == {str(i): text for i, text in written.items()}
    raw = Message.objects.get(account=account, external_id=str(min(altered))).raw
    assert raw["text"] == served_text(written[min(altered)])[0]  # the served form stays for reconciling
    out = io.StringIO()
    call_command("export", "--brand", "acme", stdout=out)
    exported = {r["external_id"]: r["text"] for r in map(json.loads, out.getvalue().splitlines())}
    assert exported == stored


def test_a_reply_with_an_ampersand_and_a_link_is_found_again_before_a_retry(platforms, live_brand):
    connector = connector_for(x_account())
    mention = sandbox.post_mention(brand="acme", text="where is my refund?", author="ana")
    text = "@ana Refunds & returns <3 days: https://acme.example/help?topic=refund&lang=en"
    reply = OutboundReply("k1", text, "public", thread_key=str(mention.id), in_reply_to=str(mention.id))

    receipt = connector.send(reply)

    assert connector.find_sent(reply) == [receipt]
