"""Giving offers: the code goes privately, limits send the reply to approval, a code is given once."""

from __future__ import annotations

import pytest

from inbox.models import DeliveryStatus, Direction, Message, Visibility
from monitoring.models import Platform
from responses.models import ApprovalStatus, OfferCode, Redemption, RedemptionStatus, ReplyApproval
from responses.offers import CodeSource, OfferRefused, add_offer, return_code
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer, send


def outbound(conv) -> list[Message]:
    return list(Message.objects.filter(conversation=conv, direction=Direction.OUTBOUND).order_by("id"))


def test_within_its_limits_the_public_reply_acknowledges_and_the_code_goes_privately(agent, brand):
    offer = pooled_offer(brand, "LATTE-1", "LATTE-2", per_agent_daily=2)
    conv = conversation(account(brand, Platform.X))

    outcome = send(agent, conv, "So sorry, {author_name}! We sent you something.", offer_id=offer.pk)

    public, private = outbound(conv)
    assert outcome.reply == public and outcome.approval is None
    assert (public.visibility, public.text) == (Visibility.PUBLIC, "So sorry, Jane Doe! We sent you something.")
    assert (private.visibility, private.text) == (Visibility.PRIVATE, "Here is your code: LATTE-1")
    assert {public.delivery_status, private.delivery_status} == {DeliveryStatus.QUEUED}
    redemption = Redemption.objects.get()
    assert (redemption.offer, redemption.code_text, redemption.author_id, redemption.agent) == (
        offer,
        "LATTE-1",
        conv.author_id,
        agent,
    )
    assert (redemption.conversation, redemption.reply, redemption.code_message) == (conv, public, private)
    assert list(OfferCode.objects.filter(given_at__isnull=True).values_list("code", flat=True)) == ["LATTE-2"]


def test_a_single_use_code_is_never_put_in_a_public_reply(agent, brand):
    offer = pooled_offer(brand, "LATTE-1")
    conv = conversation(account(brand, Platform.X))
    with pytest.raises(OfferRefused, match="never posted in public"):
        send(agent, conv, "Here you go: {offer_code}", offer_id=offer.pk)
    assert outbound(conv) == [] and not Redemption.objects.exists()


def test_without_a_private_route_the_agent_is_told_before_anything_is_sent(agent, brand):
    offer = pooled_offer(brand, "LATTE-1")
    article = conversation(account(brand, Platform.FEED))
    with pytest.raises(OfferRefused, match="no private way to give a code"):
        send(agent, article, "Thanks", offer_id=offer.pk)
    assert outbound(article) == [] and OfferCode.objects.get().given_at is None


def test_a_shared_code_may_be_given_in_the_public_reply(agent, brand):
    offer = add_offer(brand=brand, name="Ten off", source=CodeSource(shared_code="TENOFF"))
    conv = conversation(account(brand, Platform.FEED))
    with pytest.raises(OfferRefused, match="no private way"):
        send(agent, conv, "Thanks", offer_id=offer.pk)
    public = conversation(account(brand, Platform.X))
    send(agent, public, "Use {offer_code} next time!", offer_id=offer.pk)
    [reply] = outbound(public)
    assert reply.text == "Use TENOFF next time!"
    assert Redemption.objects.get().code_message == reply


def test_an_offer_beyond_the_agents_daily_limit_goes_to_approval_with_no_message_and_no_code(agent, brand):
    offer = pooled_offer(brand, "A", "B", "C", per_agent_daily=1)
    send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    second = conversation(account(brand))

    outcome = send(agent, second, "Sorry again!", offer_id=offer.pk)

    assert outcome.reply is None
    assert outcome.approval.status == ApprovalStatus.PENDING
    assert outcome.approval.reasons == ["the offer is beyond its limits: agent already gave Free latte 1 times today"]
    assert outbound(second) == []
    assert OfferCode.objects.filter(given_at__isnull=True).count() == 2


def test_the_per_customer_limit_counts_the_same_author_across_the_brands_channels(agent, supervisor, brand):
    offer = pooled_offer(brand, "A", "B", per_customer=1)
    first = conversation(account(brand))
    send(agent, first, "Sorry!", offer_id=offer.pk)
    again = conversation(account(brand))  # another X account of the brand, the same person
    again.author = first.author
    again.save(update_fields=["author"])
    outcome = send(supervisor, again, "Sorry!", offer_id=offer.pk)
    assert outcome.approval is not None
    assert "this customer already got Free latte 1 times in 30 days" in outcome.approval.reasons[0]


def test_the_total_budget_sends_the_next_one_to_approval(agent, brand):
    offer = pooled_offer(brand, "A", "B", budget=1)
    send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    outcome = send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    assert outcome.approval.reasons == ["the offer is beyond its limits: Free latte has used its budget of 1"]


def test_no_codes_left_is_refused_not_held(agent, brand):
    offer = pooled_offer(brand, "A")
    send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    with pytest.raises(OfferRefused, match="no codes left"):
        send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    assert not ReplyApproval.objects.exists()


def test_a_code_whose_message_failed_goes_back_to_the_pool(agent, brand):
    offer = pooled_offer(brand, "A")
    conv = conversation(account(brand))
    send(agent, conv, "Sorry!", offer_id=offer.pk)
    redemption = Redemption.objects.get()

    return_code(message_id=redemption.code_message_id)

    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.RETURNED
    assert OfferCode.objects.get().given_at is None
    send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    assert Redemption.objects.filter(status=RedemptionStatus.GIVEN).get().code_text == "A"


def test_an_offer_message_with_an_unknown_variable_is_refused(brand):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"Unknown variable \{coupon\}"):
        add_offer(brand=brand, name="Latte", source=CodeSource(shared_code="X"), message="Use {coupon}")
    assert not brand.offers.exists()
