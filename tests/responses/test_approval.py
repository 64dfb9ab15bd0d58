"""Reply approval: each rule holds a reply for a supervisor, who approves (as written or edited) or rejects it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import Direction, Message, Sentiment, Visibility
from inbox.services.replies import ReplyNeedsConfirmation, ReplyRefused
from responses.approvals import approve, pending_approvals_for, reject
from responses.models import ApprovalStatus, Redemption, ResponseSettings
from responses.sending import code_message_key
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer, send


def outbound() -> list[Message]:
    return list(Message.objects.filter(direction=Direction.OUTBOUND).order_by("id"))


@pytest.fixture
def rules(brand) -> ResponseSettings:
    return ResponseSettings.objects.create(brand=brand)


def test_a_reply_by_someone_in_training_waits_for_approval(agent, brand, rules):
    rules.trainees.add(agent)
    outcome = send(agent, conversation(account(brand)), "Thanks!")
    assert outcome.approval.reasons == ["agent is in training"]
    assert outbound() == []


def test_a_reply_by_someone_marked_in_training_on_the_people_page_waits_without_brand_rules(agent, brand):
    User.objects.filter(pk=agent.pk).update(in_training=True)
    agent.refresh_from_db()
    outcome = send(agent, conversation(account(brand)), "Thanks!")
    assert outcome.approval.reasons == ["agent is in training"]
    assert outbound() == []


def test_a_reply_to_a_negative_conversation_from_a_big_account_waits(agent, brand, rules):
    rules.negative_follower_threshold = 10_000
    rules.save()
    big = conversation(account(brand), sentiment=Sentiment.NEGATIVE)
    big.author.followers_count = 25_000
    big.author.save()
    small = conversation(account(brand), sentiment=Sentiment.NEGATIVE)
    happy = conversation(account(brand), sentiment=Sentiment.POSITIVE)
    happy.author.followers_count = 25_000
    happy.author.save()

    assert send(agent, big, "Sorry!").approval.reasons == [
        "a negative conversation from an author with 25,000 followers (rule: 10,000)"
    ]
    assert send(agent, small, "Sorry!").approval is None
    assert send(agent, happy, "Thanks!").approval is None


def test_a_reply_with_a_listed_word_waits_and_names_the_word(agent, brand, rules):
    rules.approval_words = "refund\nlegal action\n"
    rules.save()
    held = send(agent, conversation(account(brand)), "We will give you a Refund today.")
    assert held.approval.reasons == ["it contains listed words: \u201crefund\u201d"]
    assert send(agent, conversation(account(brand)), "Refunds are handled by our shop.").approval is None


def test_a_supervisor_edits_and_approves_and_the_reply_goes_through_the_outbox_once(agent, supervisor, brand):
    offer = pooled_offer(brand, "A", "B", per_agent_daily=1)
    send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    conv = conversation(account(brand))
    held = send(agent, conv, "Sorry {author_name}, a treat is on us.", offer_id=offer.pk).approval
    assert [a.pk for a in pending_approvals_for(supervisor)] == [held.pk]

    approved = approve(supervisor=supervisor, approval_id=held.pk, text="So sorry {author_name}! A treat is on us.")
    approve(supervisor=supervisor, approval_id=held.pk)  # a second click changes nothing

    public, private = Message.objects.filter(conversation=conv, direction=Direction.OUTBOUND).order_by("id")
    assert (public.text, public.sent_by, public.idempotency_key) == (
        "So sorry Jane Doe! A treat is on us.",
        agent,
        held.idempotency_key,
    )
    assert (private.visibility, private.text) == (Visibility.PRIVATE, "Here is your code: B")
    assert private.idempotency_key == code_message_key(held.idempotency_key)
    assert (approved.status, approved.decided_by, approved.reply) == (ApprovalStatus.APPROVED, supervisor, public)
    assert Redemption.objects.filter(conversation=conv).get().code_message == private
    assert list(pending_approvals_for(supervisor)) == []


def test_a_rejection_needs_a_reason_and_sends_nothing(agent, supervisor, brand, rules):
    rules.trainees.add(agent)
    held = send(agent, conversation(account(brand)), "Whatever.").approval
    with pytest.raises(ReplyRefused, match="Say why"):
        reject(supervisor=supervisor, approval_id=held.pk, reason="  ")
    rejected = reject(supervisor=supervisor, approval_id=held.pk, reason="Too curt; thank them first.")
    assert (rejected.status, rejected.rejection_reason) == (ApprovalStatus.REJECTED, "Too curt; thank them first.")
    with pytest.raises(ReplyRefused, match="already rejected"):
        approve(supervisor=supervisor, approval_id=held.pk)
    assert outbound() == []


def test_only_a_supervisor_of_the_brand_decides(agent, brand, rules):
    rules.trainees.add(agent)
    held = send(agent, conversation(account(brand)), "Hi").approval
    elsewhere = create_user(username="boss2", password="x-long-password-1", role=Role.SUPERVISOR)
    add_member(brand=add_brand(slug="globex", name="Globex"), user=elsewhere)
    for user in (agent, elsewhere):
        with pytest.raises(PermissionDenied):
            approve(supervisor=user, approval_id=held.pk)
    assert list(pending_approvals_for(elsewhere)) == []


def test_a_public_reply_pushing_to_another_channel_asks_first(agent, brand):
    public = conversation(account(brand))
    for text in ("Please DM us your order", "Escríbenos por privado", "Позвоните нам", "write to help@acme.test"):
        with pytest.raises(ReplyNeedsConfirmation) as asked:
            send(agent, public, text)
        assert asked.value.code == "confirm_channel_push"
    send(agent, public, "Please DM us your order", confirm_channel_push=True)
    send(agent, conversation(account(brand), visibility=Visibility.PRIVATE), "Call us at +1 415 555 0100")
    assert len(outbound()) == 2
