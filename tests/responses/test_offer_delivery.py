"""Offers delivered through the real connectors to the sandbox: the code privately, failures return it,
and a reply waiting for approval leaves the SLA clock running."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import DeliveryStatus, Direction, Message
from inbox.services.replies import retry_reply
from inbox.sla.models import ResponseClock
from responses.approvals import approve
from responses.models import OfferCode, Redemption, RedemptionStatus
from responses.offers import OfferRefused
from sandbox import services as sandbox
from tests.inbox import sandbox_channels as channels
from tests.responses.helpers import pooled_offer, send


def replies(conversation) -> list[Message]:
    return list(Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND).order_by("id"))


@pytest.mark.usefixtures("deliver_inline")
def test_an_x_mention_gets_a_public_acknowledgement_and_the_code_by_direct_message(agent, brand):
    offer = pooled_offer(brand, "LATTE-1")
    conversation = channels.x_mention(author="maria")

    send(agent, conversation, "@maria So sorry! Check your messages.", offer_id=offer.pk)

    public, private = replies(conversation)
    assert {public.delivery_status, private.delivery_status} == {DeliveryStatus.SENT}
    [posted] = channels.brand_answers(conversation, private=False)
    [direct] = channels.brand_answers(conversation, private=True)
    assert (posted.external_id, direct.external_id) == (public.external_id, private.external_id)
    assert Redemption.objects.get().status == RedemptionStatus.GIVEN


@pytest.mark.usefixtures("deliver_inline")
def test_a_code_message_the_platform_refuses_returns_its_code_and_a_retry_takes_it_back(agent, brand):
    offer = pooled_offer(brand, "LATTE-1")
    late = channels.messenger(written_at=timezone.now() - timedelta(days=2))

    send(agent, late, "Sorry for the wait!", offer_id=offer.pk)

    _, code_message = replies(late)
    assert code_message.delivery_status == DeliveryStatus.FAILED
    assert "within 24 hours" in code_message.delivery_error
    redemption = Redemption.objects.get()
    assert (redemption.status, OfferCode.objects.get().given_at) == (RedemptionStatus.RETURNED, None)

    retry_reply(user=agent, message_id=code_message.pk)  # fails again (still outside the window)
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.RETURNED and OfferCode.objects.get().given_at is None


@pytest.mark.usefixtures("deliver_inline")
def test_a_returned_code_given_to_someone_else_cannot_be_retried(agent, brand):
    offer = pooled_offer(brand, "LATTE-1")
    late = channels.messenger(written_at=timezone.now() - timedelta(days=2))
    send(agent, late, "Sorry for the wait!", offer_id=offer.pk)
    _, code_message = replies(late)
    send(agent, channels.x_mention(author="maria"), "@maria Sorry!", offer_id=offer.pk)
    with pytest.raises(OfferRefused, match="went to another customer"):
        retry_reply(user=agent, message_id=code_message.pk)


@pytest.mark.usefixtures("deliver_inline")
def test_waiting_for_approval_does_not_stop_the_first_response_clock(agent, supervisor, brand):
    offer = pooled_offer(brand, "A", "B", per_agent_daily=1)
    first = channels.x_mention(author="maria")
    send(agent, first, "@maria Sorry!", offer_id=offer.pk)
    mention = sandbox.post_mention(brand="acme", text="still waiting for my order", author="oskar")
    conversation = channels.polled(first.account, str(mention.id))
    clock = ResponseClock.objects.get(conversation=conversation)

    held = send(agent, conversation, "@oskar Sorry!", offer_id=offer.pk).approval

    clock.refresh_from_db()
    conversation.refresh_from_db()
    assert held is not None and clock.stopped_at is None and conversation.awaiting_reply_since is not None
    approve(supervisor=supervisor, approval_id=held.pk)
    clock.refresh_from_db()
    assert clock.stopped_at is not None and clock.stopped_at > held.created_at
    assert clock.responder == agent
