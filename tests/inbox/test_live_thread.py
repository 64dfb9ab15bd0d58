"""What the live layer shows: a polled echo of a reply on its way is not a second message; rows carry their place."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from inbox.models import DeliveryStatus
from inbox.selectors import QueueFilters, Sort, order_key, queue_page, thread
from inbox.services.delivery import _adopt_echo, _mark_sent, outbound_reply
from inbox.services.ingest import ingest_batch
from inbox.services.replies import ReplyRequest, do_reply
from monitoring.connectors.base import FetchResult, InboundMessage, SentReceipt
from monitoring.models import Platform
from tests.inbox.threads import account, conversation

REPLY = "So sorry, Jane! A new one is on its way."


def polled_echo(conv, external_id: str = "echo-1") -> None:
    """The brand's own reply, as polling finds it on the platform."""
    echo = InboundMessage(
        external_id=external_id,
        thread_key=conv.thread_key,
        visibility=conv.visibility,
        text=REPLY,
        platform_time=timezone.now(),
        is_from_brand=True,
    )
    ingest_batch(account=conv.account, stream="page_feed", result=FetchResult(messages=[echo]))


def test_a_polled_echo_of_a_reply_on_its_way_is_not_shown_as_a_second_message(agent, brand):
    conv = conversation(account(brand, Platform.FACEBOOK))
    request = ReplyRequest(text=REPLY, idempotency_key=uuid.uuid4())
    reply = do_reply(user=agent, conversation_id=conv.pk, request=request).message
    polled_echo(conv)

    shown = list(thread(conv))
    assert [message.pk for message in shown if message.text == REPLY] == [reply.pk]

    # Delivery adopts the provable echo, then records the reply as sent under the platform's id.
    receipt = SentReceipt(external_id="echo-1", url="")
    _adopt_echo(reply, receipt, outbound_reply(reply))
    _mark_sent(reply, receipt)
    assert [(m.pk, m.delivery_status) for m in thread(conv) if m.text == REPLY] == [(reply.pk, DeliveryStatus.SENT)]


def test_a_brand_post_that_is_no_reply_on_its_way_is_shown(agent, brand):
    conv = conversation(account(brand, Platform.FACEBOOK))
    polled_echo(conv)
    assert [message.text for message in thread(conv)].count(REPLY) == 1


def test_order_keys_rise_down_the_page_in_every_sort(agent, brand):
    channel = account(brand, Platform.X)
    now = timezone.now()
    for minutes in (5, 50, 20, 35):
        conv = conversation(channel)
        conv.last_message_at = now - timedelta(minutes=minutes)
        conv.response_due_at = now + timedelta(minutes=minutes * 3 % 70)
        conv.priority = minutes % 3
        conv.save(update_fields=["last_message_at", "response_due_at", "priority"])
    for sort in Sort:
        rows = queue_page(agent, QueueFilters(status="all", sort=sort), now=now).rows
        keys = [tuple(int(part) for part in order_key(row, sort).split(".")) for row in rows]
        assert len(rows) == 4
        assert keys == sorted(keys), sort
