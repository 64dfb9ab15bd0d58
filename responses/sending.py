"""Sending a reply from the composer: filled in, checked, held for approval or queued with its offer.

    send_reply ──check── needs approval? ──yes──> ReplyApproval(pending)   (no message: the SLA clock runs)
                              │ no                     │ approve (responses.approvals)
                              ▼                        ▼
                          send_now ───────────> queue_reply (the outbox) + give_offer + the code's private message

Locking: the conversation row is locked first (as do_reply does), then the offer's row in give_offer.
What the agent asked is one inbox.services.replies.ReplyRequest, kept by a held reply and sent on approval.
Everything a send writes (reply, code, redemption, code message) commits together or not at all, so a
refused reply never keeps a code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from inbox.events import publish_on_commit
from inbox.models import Conversation, Message, Visibility
from inbox.services.replies import (
    SENDABLE_PLATFORMS,
    ReplyNeedsConfirmation,
    ReplyRefused,
    ReplyRequest,
    check_reply,
    existing_reply,
    queue_reply,
)
from responses.approval_rules import approval_reasons
from responses.channel_push import channel_push_warning, channel_pushes
from responses.models import Offer, OfferCode, ReplyApproval
from responses.offers import OfferRefused, check_offer, give_offer, limits_exceeded, private_route_missing
from responses.rendering import UnfillableVariable, UnknownVariable, check_variables, render, variables_in
from responses.services import count_use, variables_for

CODE_MESSAGE_NAMESPACE = uuid.UUID("3b5d0c52-8a8e-4d8b-9a52-7f6f0f8e2a61")


@dataclass(frozen=True)
class SendOutcome:
    reply: Message | None  # None while the reply waits for approval
    approval: ReplyApproval | None
    created: bool  # False: the same click arrived again


def code_message_key(idempotency_key: uuid.UUID) -> uuid.UUID:
    """The private code message's own click key, derived from the reply's: resending finds both."""
    return uuid.uuid5(CODE_MESSAGE_NAMESPACE, str(idempotency_key))


def offer_expires(offer: Offer | None) -> str:
    return f"{offer.expires_on:%-d %B %Y}" if offer is not None and offer.expires_on else ""


def fill(text: str, conversation: Conversation, *, agent: User, offer: Offer | None, code: str) -> str:
    """Every variable filled, or ReplyRefused naming the one that cannot be (never half filled in)."""
    values = variables_for(conversation, agent=agent) | {"offer_code": code, "offer_expires": offer_expires(offer)}
    try:
        check_variables(text)
        return render(text, values)
    except (UnknownVariable, UnfillableVariable) as error:
        raise ReplyRefused(str(error.message), code=error.code or "variable") from error


def _goes_private(request: ReplyRequest, conversation: Conversation) -> bool:
    return request.private if request.private is not None else conversation.visibility == Visibility.PRIVATE


def _code_in_reply_allowed(request: ReplyRequest, offer: Offer | None, conversation: Conversation) -> None:
    if offer is None and "offer_code" in variables_in(request.text):
        raise ReplyRefused("{offer_code} needs an offer: attach one, or remove it.", code="unfillable_variable")
    private = _goes_private(request, conversation)
    if offer is not None and offer.single_use and not private and "offer_code" in variables_in(request.text):
        raise OfferRefused(
            "A single-use code is never posted in public: remove {offer_code} from the reply; "
            "the code goes to the customer in a private message.",
            code="code_in_public",
        )


def _preview_code(offer: Offer | None) -> str:
    """A code of the offer's kind, to count the reply's length before a code is taken."""
    if offer is None:
        return ""
    if offer.shared_code:
        return offer.shared_code
    return OfferCode.objects.filter(offer=offer).values_list("code", flat=True).first() or "CODE"


@transaction.atomic
def send_reply(
    *,
    user: User,
    conversation_id: int,
    request: ReplyRequest,
    confirm_channel_push: bool = False,
    offer_id: int | None = None,
    saved_reply_id: int | None = None,
) -> SendOutcome:
    """The composer's send: refuse, ask, hold for approval, or queue the reply (and its offer's code).

    A held reply answers the customer's latest message once approved, whatever request.reply_to chose."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("account", "author", "brand")
        .get(pk=conversation_id)
    )
    held = ReplyApproval.objects.filter(idempotency_key=request.idempotency_key).first()
    if held is not None:
        if held.requested_by_id != user.pk or held.conversation_id != conversation.pk:
            raise ReplyRefused("This reply form was already used elsewhere; reload the conversation.")
        return SendOutcome(reply=held.reply, approval=held, created=False)
    again = existing_reply(user=user, conversation=conversation, idempotency_key=request.idempotency_key)
    if again is not None:
        return SendOutcome(reply=again, approval=None, created=False)
    offer = _offer_of(offer_id, conversation)
    request = replace(request, text=request.text.strip())
    _code_in_reply_allowed(request, offer, conversation)
    filled = fill(request.text, conversation, agent=user, offer=offer, code=_preview_code(offer))
    reasons = _reasons_to_hold(user, conversation, request, offer, filled, confirm_channel_push=confirm_channel_push)
    if reasons:
        # Held only if it could go as it is: what would refuse it is said now, not to the supervisor.
        check_reply(user=user, conversation=conversation, request=replace(request, text=filled))
    if saved_reply_id is not None:
        count_use(saved_reply_id)
    if reasons:
        approval = _hold(user=user, conversation=conversation, request=request, offer=offer, reasons=reasons)
        return SendOutcome(reply=None, approval=approval, created=True)
    reply = send_now(agent=user, conversation=conversation, request=request, offer=offer, approved=False)
    return SendOutcome(reply=reply, approval=None, created=True)


def _reasons_to_hold(
    user: User,
    conversation: Conversation,
    request: ReplyRequest,
    offer: Offer | None,
    filled: str,
    *,
    confirm_channel_push: bool,
) -> list[str]:
    """Asks first when a public reply pushes to another channel; then why the reply must wait, if it must."""
    publicly = conversation.account.platform in SENDABLE_PLATFORMS and not _goes_private(request, conversation)
    pushes = channel_pushes(filled) if publicly else []
    if pushes and not confirm_channel_push:
        raise ReplyNeedsConfirmation(channel_push_warning(pushes), code="confirm_channel_push")
    now = timezone.now()
    reasons = approval_reasons(agent=user, conversation=conversation, text=request.text, filled=filled)
    if offer is not None:
        check_offer(offer, conversation=conversation, now=now)
        beyond = limits_exceeded(offer, agent=user, conversation=conversation, now=now)
        reasons += [f"the offer is beyond its limits: {reason}" for reason in beyond]
    return reasons


def _offer_of(offer_id: int | None, conversation: Conversation) -> Offer | None:
    if offer_id is None:
        return None
    offer = Offer.objects.select_related("brand").filter(pk=offer_id, brand_id=conversation.brand_id).first()
    if offer is None:
        raise OfferRefused("That offer does not exist for this brand.")
    return offer


def _hold(
    *, user: User, conversation: Conversation, request: ReplyRequest, offer: Offer | None, reasons: list[str]
) -> ReplyApproval:
    approval = ReplyApproval.objects.create(
        brand_id=conversation.brand_id,
        conversation=conversation,
        requested_by=user,
        text=request.text,
        private=request.private,
        offer=offer,
        reasons=reasons,
        idempotency_key=request.idempotency_key,
    )
    publish_approval(approval)
    return approval


def publish_approval(approval: ReplyApproval) -> None:
    """Tell the brand's open pages that a reply waits for (or got) a decision, after commit."""
    publish_on_commit(
        brand_id=approval.brand_id,
        kind="conversation.updated",
        payload={
            "conversation_ids": [approval.conversation_id],
            "approval": {"approval_id": approval.pk, "status": approval.status},
        },
    )


def send_now(
    *, agent: User, conversation: Conversation, request: ReplyRequest, offer: Offer | None, approved: bool
) -> Message:
    """Queue the reply through the outbox and, with an offer, take a code and queue its private message.

    Runs inside the caller's transaction, after the conversation's row is locked. An approved reply was
    confirmed by its supervisor: it goes in the visibility the agent chose.
    """
    redemption = None
    if offer is not None:
        redemption = give_offer(
            offer_id=offer.pk, agent=agent, conversation=conversation, reply=None, approved=approved
        )
    code = redemption.code_text if redemption is not None else ""
    filled = fill(request.text, conversation, agent=agent, offer=offer, code=code)
    reply = queue_reply(
        user=agent,
        conversation=conversation,
        request=replace(request, text=filled, confirm_private=request.confirm_private or approved),
    )
    if offer is None or redemption is None:
        return reply
    code_message = reply if "offer_code" in variables_in(request.text) else None
    if code_message is None:
        if private_route_missing(conversation):
            raise OfferRefused(
                "There is no private way to reach this customer: put {offer_code} in the reply to give "
                "the shared code in public, or send no offer.",
                code="no_private_route",
            )
        code_message = queue_reply(
            user=agent,
            conversation=conversation,
            request=ReplyRequest(
                text=fill(offer.message, conversation, agent=agent, offer=offer, code=code),
                idempotency_key=code_message_key(request.idempotency_key),
                private=True,
                confirm_private=True,
            ),
        )
    redemption.reply = reply
    redemption.code_message = code_message
    redemption.save(update_fields=["reply", "code_message"])
    return reply


def can_decide(user: User, approval: ReplyApproval) -> bool:
    from accounts.roles import Role, has_role
    from brands.selectors import brands_for

    return has_role(user, Role.SUPERVISOR) and brands_for(user).filter(pk=approval.brand_id).exists()


def check_can_decide(user: User, approval: ReplyApproval) -> None:
    if not can_decide(user, approval):
        raise PermissionDenied("Only a supervisor of this brand can decide on its replies.")
