"""Replying in kind: check_reply decides whether and how a reply may go, do_reply queues it.

A reply goes back in the conversation's own channel and visibility: a reply post in the thread,
a comment reply, a private message for a private message. An alert-feed article cannot be
answered on the platform: the text is kept as an internal note with the article's link.
do_reply writes the outbound message (queued) in the caller's transaction, keyed by the
idempotency key the composer generated when it rendered, and hands it to the delivery worker
after commit (Sentry's outbox pattern).
"""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from brands.selectors import brands_for
from inbox import enqueue
from inbox.events import publish_on_commit
from inbox.models import Conversation, DeliveryStatus, Direction, Message, Status, Visibility
from inbox.signals import reply_checking, reply_retrying
from inbox.text_limits import TextCount, count_reply
from monitoring.models import Platform
from responses.approval_rules import approval_reasons
from responses.models import SavedReply
from responses.rendering import UnfillableVariable, render
from responses.services import count_use, variables_for, variant_for

# Platforms where the brand can post back; other sources (alert feeds, webhooks) only get notes.
SENDABLE_PLATFORMS = frozenset({Platform.X, Platform.FACEBOOK})
# Outbound messages that count as "somebody answered": a failed reply never reached the customer.
ANSWERING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.SENT)

PRIVATE_SWITCH_WARNING = (
    "This customer wrote in public. Answering in a private message looks like hiding a public complaint "
    "from everyone else who saw it, and leaves the public post unanswered. Answer in public unless the "
    "customer must share private details (an order number, an address)."
)


class ReplyRefused(ValidationError):
    """A reply that cannot go as asked, with the sentence the agent reads (.message) and a .code."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message, code=code)


class ReplyNeedsConfirmation(ReplyRefused):
    """A reply that may go only if the agent confirms; .code names the confirmation to send back."""


@dataclass(frozen=True)
class ReplyPlan:
    """What check_reply decided: where the reply goes and how long it is."""

    text: str
    visibility: str
    sendable: bool  # False: kept as an internal note (alert feeds, webhooks)
    in_reply_to: str  # the platform id of the customer's message answered
    link_out: str  # a note's link to where the mention lives
    count: TextCount


@dataclass(frozen=True)
class ReplyRequest:
    """One click of the composer (or one API call): the words and every choice and confirmation sent with them.

    private=None answers in the conversation's own visibility. seen_answer_id is the newest outbound
    message the composer showed (0 for none, None: not asked); a newer one by anybody asks for confirmation.
    reply_to is the inbound message the agent chose to answer (None: the customer's latest).
    """

    text: str
    idempotency_key: uuid.UUID
    private: bool | None = None
    confirm_private: bool = False
    seen_answer_id: int | None = None
    confirm_replied_meanwhile: bool = False
    reply_to: int | None = None


@dataclass(frozen=True)
class ReplyResult:
    message: Message
    created: bool  # False: the same click arrived again and found its message


def can_reply(user: User, conversation: Conversation) -> bool:
    return has_role(user, Role.AGENT) and brands_for(user).filter(pk=conversation.brand_id).exists()


def answered_message(conversation: Conversation) -> Message | None:
    """The customer's latest message, which a reply answers unless the agent picks another: the newest
    message of the thread may be someone else's (or, without a known customer, the latest inbound one)."""
    inbound = conversation.messages.filter(direction=Direction.INBOUND).select_related("author")
    if conversation.author_id is not None:
        inbound = inbound.filter(author_id=conversation.author_id)
    return inbound.order_by("-platform_time", "-id").first()


def chosen_message(conversation: Conversation, message_id: int | None) -> Message | None:
    """The message a reply answers: the one the agent chose ("reply to this"), else the customer's latest."""
    if message_id is None:
        return answered_message(conversation)
    chosen = conversation.messages.filter(pk=message_id, direction=Direction.INBOUND).select_related("author").first()
    if chosen is None:
        raise ReplyRefused("The message you chose to answer is not in this conversation.", code="reply_to_elsewhere")
    return chosen


def latest_answer(conversation: Conversation) -> Message | None:
    """The newest outbound reply that reached or is on its way to the customer."""
    return (
        conversation.messages.filter(direction=Direction.OUTBOUND, delivery_status__in=ANSWERING_STATUSES)
        .select_related("sent_by")
        .order_by("-id")
        .first()
    )


def check_reply(*, user: User, conversation: Conversation, request: ReplyRequest) -> ReplyPlan:
    """Validate a reply; raise PermissionDenied, ReplyRefused or ReplyNeedsConfirmation with a clear reason."""
    if not can_reply(user, conversation):
        raise PermissionDenied("You can reply only in conversations of your brands, with the agent role or above.")
    if conversation.status == Status.SPAM:
        raise ReplyRefused("This conversation is marked as spam. Open it again before replying.")
    account = conversation.account
    if not account.enabled:
        raise ReplyRefused(f"{account} is switched off in Setup; switch it on before replying from it.")
    text = request.text.strip()
    if not text:
        raise ReplyRefused("Write a reply first.", code="empty_text")
    sendable = account.platform in SENDABLE_PLATFORMS
    visibility = _visibility(
        conversation, private=request.private, confirmed=request.confirm_private, sendable=sendable
    )
    count = count_reply(text, platform=account.platform if sendable else "", private=visibility == Visibility.PRIVATE)
    if count.over:
        raise ReplyRefused(count.message, code="text_too_long")
    if request.seen_answer_id is not None and not request.confirm_replied_meanwhile:
        _check_replied_meanwhile(user, conversation, request.seen_answer_id)
    reply_checking.send(sender=Conversation, user=user, conversation=conversation, text=text)
    answered = chosen_message(conversation, request.reply_to)
    return ReplyPlan(
        text=text,
        visibility=visibility,
        sendable=sendable,
        in_reply_to=(answered.external_id or "") if answered else "",
        link_out="" if sendable or answered is None else answered.url,
        count=count,
    )


def _visibility(conversation: Conversation, *, private: bool | None, confirmed: bool, sendable: bool) -> str:
    if not sendable:
        return Visibility.PRIVATE  # a note, seen by the team only
    if private is None:
        return conversation.visibility
    if conversation.visibility == Visibility.PRIVATE and not private:
        raise ReplyRefused(
            "The customer wrote privately; answering in public would expose what they told you. Reply privately."
        )
    if conversation.visibility == Visibility.PUBLIC and private:
        if conversation.author is None or not conversation.author.external_id:
            raise ReplyRefused("The platform did not say who wrote this post, so there is nobody to message.")
        if not confirmed:
            raise ReplyNeedsConfirmation(PRIVATE_SWITCH_WARNING, code="confirm_private")
        return Visibility.PRIVATE
    return conversation.visibility


def _check_replied_meanwhile(user: User, conversation: Conversation, seen_answer_id: int) -> None:
    newer = latest_answer(conversation)
    if newer is None or newer.pk <= seen_answer_id:
        return
    who = "You" if newer.sent_by_id == user.pk else (newer.sent_by.get_username() if newer.sent_by else "The brand")
    # Shown in the brand audience's time zone, as every time in the inbox is.
    zone = zoneinfo.ZoneInfo(conversation.brand.audience_time_zone)
    when = newer.created_at.astimezone(zone).strftime("%H:%M %Z")
    raise ReplyNeedsConfirmation(
        f"{who} replied at {when} while you were writing: \u201c{newer.text[:200]}\u201d. Send yours as well?",
        code="confirm_replied_meanwhile",
    )


@transaction.atomic
def do_reply(*, user: User, conversation_id: int, request: ReplyRequest) -> ReplyResult:
    """Queue a reply (or keep a note) and deliver it after commit; the same idempotency key gives the same message.

    Locking: the conversation row is locked first, so two agents replying at once are ordered and
    the second sees the first's reply in check_reply; a double click waits, then finds its message.
    """
    conversation = (
        Conversation.objects.select_for_update(of=("self",)).select_related("account", "author").get(pk=conversation_id)
    )
    existing = existing_reply(user=user, conversation=conversation, idempotency_key=request.idempotency_key)
    if existing is not None:
        return ReplyResult(message=existing, created=False)
    return ReplyResult(message=queue_reply(user=user, conversation=conversation, request=request), created=True)


def existing_reply(*, user: User, conversation: Conversation, idempotency_key: uuid.UUID) -> Message | None:
    """The message this click already wrote, if it arrived before; refused when the key was used elsewhere."""
    existing = Message.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and (existing.conversation_id != conversation.pk or existing.sent_by_id != user.pk):
        raise ReplyRefused("This reply form was already used elsewhere; reload the conversation.")
    return existing


def queue_reply(*, user: User, conversation: Conversation, request: ReplyRequest) -> Message:
    """Check and write a reply whose click is new; the caller holds the conversation's row lock (do_reply does)."""
    plan = check_reply(user=user, conversation=conversation, request=request)
    message = _write_outbound(user=user, conversation=conversation, plan=plan, idempotency_key=request.idempotency_key)
    publish_reply_status(message)
    if plan.sendable:
        _deliver_on_commit(message.pk)
    return message


def _write_outbound(*, user: User, conversation: Conversation, plan: ReplyPlan, idempotency_key: uuid.UUID) -> Message:
    now = timezone.now()
    return Message.objects.create(
        conversation=conversation,
        account=conversation.account,
        direction=Direction.OUTBOUND,
        visibility=plan.visibility,
        in_reply_to=plan.in_reply_to,
        text=plan.text,
        url=plan.link_out,
        platform_time=now,
        received_at=now,
        sent_by=user,
        delivery_status=DeliveryStatus.QUEUED if plan.sendable else DeliveryStatus.NOTE,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def retry_reply(*, user: User, message_id: int) -> Message:
    """Put a failed reply back in the queue; delivery reconciles with the platform before posting again."""
    message = Message.objects.select_for_update(of=("self",)).select_related("conversation").get(pk=message_id)
    if not can_reply(user, message.conversation):
        raise PermissionDenied("You can retry only replies in conversations of your brands.")
    if message.direction != Direction.OUTBOUND or message.delivery_status != DeliveryStatus.FAILED:
        raise ReplyRefused("Only a failed reply can be retried.")
    from inbox.services.delivery import delivery_lease

    reply_retrying.send(sender=Message, message_id=message.pk)
    # first_attempted_at stays: delivery reconciles first, looking back to the first attempt.
    message.delivery_status = DeliveryStatus.QUEUED
    message.delivery_lease_until = timezone.now() + delivery_lease()
    message.save(update_fields=["delivery_status", "delivery_lease_until"])
    publish_reply_status(message)
    _deliver_on_commit(message.pk)
    return message


def acknowledge(*, user: User, conversation_id: int, saved_reply_id: int, idempotency_key: uuid.UUID) -> ReplyResult:
    """Answer one conversation with a short saved reply, filled in for its customer, in its own channel.

    For bulk acknowledgement: a conversation already answered since the customer last wrote is
    refused, so selecting it twice (or two people doing the same bulk action) never answers twice.
    """
    conversation = Conversation.objects.select_related("author", "brand").get(pk=conversation_id)
    chosen = SavedReply.objects.filter(pk=saved_reply_id, brand_id=conversation.brand_id).first()
    if chosen is None:
        raise ReplyRefused("That saved reply belongs to another brand.", code="saved_reply_elsewhere")
    saved = variant_for(chosen, language=conversation.language, strict=True)
    if saved is None:
        language = conversation.language or "an unknown language"
        raise ReplyRefused(f"Skipped: \u201c{chosen.title}\u201d has no variant in {language}.", code="no_variant")
    try:
        text = render(saved.text, variables_for(conversation, agent=user))
    except UnfillableVariable as unfillable:
        raise ReplyRefused(f"Skipped: {unfillable.message}", code=unfillable.code or "unfillable") from unfillable
    held = approval_reasons(agent=user, conversation=conversation, text=saved.text, filled=text)
    if held:
        # Bulk sends go out at once: a reply the brand's rules hold is left for the agent to send from its composer.
        raise ReplyRefused(f"Skipped: it needs a supervisor's approval ({'; '.join(held)}).", code="needs_approval")
    answer, asked = latest_answer(conversation), answered_message(conversation)
    if answer is not None and (asked is None or answer.created_at >= asked.received_at):
        raise _already_answered(answer)
    try:
        # seen_answer_id: do_reply checks again under the conversation's lock, so two bulk jobs (or a
        # colleague's reply) racing this one still answer the customer once.
        result = do_reply(
            user=user,
            conversation_id=conversation_id,
            request=ReplyRequest(text=text, idempotency_key=idempotency_key, seen_answer_id=answer.pk if answer else 0),
        )
    except ReplyNeedsConfirmation as meanwhile:
        newer = latest_answer(conversation)
        if newer is None:
            raise meanwhile
        raise _already_answered(newer) from meanwhile
    if result.created:
        count_use(saved.pk)
    return result


def _already_answered(answer: Message) -> ReplyRefused:
    who = answer.sent_by.get_username() if answer.sent_by else "the brand"
    return ReplyRefused(f"Already answered by {who}.", code="already_answered")


def publish_reply_status(message: Message) -> None:
    """Tell every open inbox of the brand that this conversation changed (its reply moved on), after commit."""
    publish_on_commit(
        brand_id=message.conversation.brand_id,
        kind="conversation.updated",
        payload={
            "conversation_ids": [message.conversation_id],
            "reply": {"message_id": message.pk, "delivery_status": message.delivery_status},
        },
    )


def _deliver_on_commit(message_id: int) -> None:
    enqueue.deliver_reply(message_id)
