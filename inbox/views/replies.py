"""The composer's endpoints: send a reply, count it as the platform will, follow and retry its delivery.

The composer is the partial templates/inbox/_composer.html that the conversation page includes;
every endpoint here answers with a fragment of it for htmx to swap in.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from brands.selectors import brands_for
from inbox.models import Conversation, Direction, Message, Visibility
from inbox.services.replies import (
    ANSWERING_STATUSES,
    SENDABLE_PLATFORMS,
    ReplyNeedsConfirmation,
    ReplyRefused,
    ReplyRequest,
    answered_message,
    chosen_message,
    latest_answer,
    retry_reply,
)
from inbox.signals import composer_opened
from inbox.text_limits import count_reply
from monitoring.models import Platform
from responses.offers import private_route_missing
from responses.selectors import composer_offers, composer_saved_replies, waiting_approval
from responses.sending import send_reply

COMPOSER = "inbox/composer/form.html"


def conversation_of(user: User, conversation_id: int) -> Conversation:
    """A conversation of the user's brands, or 404 (another brand's conversation does not exist for them)."""
    conversation = (
        Conversation.objects.select_related("account", "author", "brand")
        .filter(pk=conversation_id, brand__in=brands_for(user))
        .first()
    )
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def channel_label(conversation: Conversation, *, private: bool) -> str:
    """Where the reply goes, in the agent's words."""
    platform = conversation.account.platform
    if platform not in SENDABLE_PLATFORMS:
        return "This mention cannot be answered from Promptly: your text is kept as an internal note."
    who = f"@{conversation.author.handle}" if conversation.author and conversation.author.handle else "the customer"
    if platform == Platform.X:
        return f"Private message to {who} on X" if private else f"Public reply in {who}'s thread on X"
    if private:
        return f"Messenger message to {conversation.author.name if conversation.author else who}"
    return "Public comment reply on Facebook"


def composer_context(user: User, conversation: Conversation, **state: Any) -> dict[str, Any]:
    """Everything the composer shows; state carries the text, the choice and the last outcome."""
    private = bool(state.get("private", conversation.visibility == Visibility.PRIVATE))
    sendable = conversation.account.platform in SENDABLE_PLATFORMS
    text = state.get("text", "")
    sent = composer_opened.send(sender=Conversation, user=user, conversation=conversation)
    extras = [cast(dict[str, Any], reply) for _, reply in sent if reply]
    try:
        answering = chosen_message(conversation, state.get("reply_to"))
    except ReplyRefused:
        answering = answered_message(conversation)
    return {
        "conversation": conversation,
        # The message the reply answers; chosen: the agent picked it with "reply to this".
        "answering": answering,
        "chosen": answering is not None and state.get("reply_to") == answering.pk,
        "sendable": sendable,
        "can_switch": sendable and conversation.visibility == Visibility.PUBLIC,
        "private": private,
        "channel_label": channel_label(conversation, private=private),
        "link_out": "" if sendable else _link_out(conversation),
        "idempotency_key": state.get("idempotency_key") or uuid.uuid4(),
        "seen_answer_id": state["seen_answer_id"] if "seen_answer_id" in state else _newest_answer_id(conversation),
        "saved_replies": [s for extra in extras for s in extra.get("suggestions", [])]
        + composer_saved_replies(conversation, agent=user),
        "notices": [str(notice) for extra in extras for notice in extra.get("notices", [])],
        **_offer_context(conversation, state),
        "text": text,
        "count": count_reply(text, platform=conversation.account.platform if sendable else "", private=private),
        "error": state.get("error", ""),
        "confirm": state.get("confirm"),
        "queued": state.get("queued"),
    }


def _newest_answer_id(conversation: Conversation) -> int:
    answer = latest_answer(conversation)
    return answer.pk if answer else 0


def _offer_context(conversation: Conversation, state: dict[str, Any]) -> dict[str, Any]:
    """The offers an agent may attach, whether a code can reach this customer privately, a held reply."""
    offers = composer_offers(conversation)
    return {
        "offers": offers,
        "offer_id": state.get("offer_id"),
        "no_private_route": private_route_missing(conversation) if offers else "",
        "saved_reply_id": state.get("saved_reply_id"),
        "approval": state.get("approval") or (None if "queued" in state else waiting_approval(conversation)),
    }


def _optional_id(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() else None


def _link_out(conversation: Conversation) -> str:
    first = conversation.messages.filter(direction=Direction.INBOUND).exclude(url="").order_by("platform_time").first()
    return first.url if first else ""


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name, "") in ("1", "on", "true")


def _seen_answer_id(request: HttpRequest) -> int:
    raw = request.POST.get("seen_answer_id", "0")
    return int(raw) if raw.isdigit() else 0


def reply_to_id(raw: str | None) -> int | None:
    """The message id of a "reply to this" choice, None when there is none (or it is not an id)."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 19 else None


class ReplyView(RoleRequiredMixin, View):
    """POST: queue the reply; answers with the composer (fresh, or with the refusal or question)."""

    minimum_role = Role.AGENT

    def post(self, request: HttpRequest, conversation_id: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        conversation = conversation_of(user, conversation_id)
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            key = None
        text = request.POST.get("text", "")
        private = _flag(request, "private") if conversation.visibility == Visibility.PUBLIC else None
        # A refused reply keeps the newest answer the agent had seen, so a colleague's reply is still warned of.
        reply_to = reply_to_id(request.POST.get("reply_to"))
        state: dict[str, Any] = {
            "text": text,
            "private": bool(private),
            "idempotency_key": key,
            "seen_answer_id": _seen_answer_id(request),
            "offer_id": _optional_id(request, "offer"),
            "saved_reply_id": _optional_id(request, "saved_reply_id"),
            "reply_to": reply_to,
        }
        if key is None:
            state["error"] = "This form is out of date; reload the conversation and send again."
            return render(request, COMPOSER, composer_context(user, conversation, **state), status=400)
        request_made = ReplyRequest(
            text=text,
            idempotency_key=key,
            private=private,
            confirm_private=_flag(request, "confirm_private"),
            seen_answer_id=_seen_answer_id(request),
            confirm_replied_meanwhile=_flag(request, "confirm_replied_meanwhile"),
            reply_to=reply_to,
        )
        try:
            result = send_reply(
                user=user,
                conversation_id=conversation.pk,
                request=request_made,
                confirm_channel_push=_flag(request, "confirm_channel_push"),
                offer_id=state["offer_id"],
                saved_reply_id=state["saved_reply_id"],
            )
        except ReplyNeedsConfirmation as question:
            state["confirm"] = {"code": question.code, "message": question.message}
            state.pop("seen_answer_id")
            return render(request, COMPOSER, composer_context(user, conversation, **state), status=409)
        except ReplyRefused as refused:
            state["error"] = refused.message
            return render(request, COMPOSER, composer_context(user, conversation, **state), status=422)
        if result.reply is None:  # held for a supervisor: the composer shows where it stands
            fresh = composer_context(user, conversation, approval=result.approval)
            return render(request, COMPOSER, fresh, status=202 if result.created else 200)
        # The reply just queued is the newest answer the agent has seen (a later one by anybody is newer).
        seen = {"seen_answer_id": result.reply.pk} if result.created and _answers(result.reply) else {}
        fresh = composer_context(user, conversation, queued=result.reply, approval=result.approval, **seen)
        return render(request, COMPOSER, fresh, status=201 if result.created else 200)


def _answers(message: Message) -> bool:
    return message.delivery_status in ANSWERING_STATUSES


class CountView(RoleRequiredMixin, View):
    """POST text: the count line, computed by the same rules that will refuse an over-long reply."""

    minimum_role = Role.AGENT

    def post(self, request: HttpRequest, conversation_id: int) -> HttpResponse:
        conversation = conversation_of(request.user, conversation_id)  # type: ignore[arg-type]
        sendable = conversation.account.platform in SENDABLE_PLATFORMS
        private = conversation.visibility == Visibility.PRIVATE or _flag(request, "private")
        count = count_reply(
            request.POST.get("text", ""), platform=conversation.account.platform if sendable else "", private=private
        )
        return render(request, "inbox/composer/count.html", {"count": count})


def _outbound_of(user: User, message_id: int) -> Message:
    message = (
        Message.objects.select_related("account")
        .filter(pk=message_id, direction=Direction.OUTBOUND, conversation__brand__in=brands_for(user))
        .first()
    )
    if message is None:
        raise Http404("No such reply.")
    return message


class DeliveryView(RoleRequiredMixin, View):
    """GET: where a reply stands (the fragment polls itself until the reply is sent or failed)."""

    minimum_role = Role.AGENT

    def get(self, request: HttpRequest, message_id: int) -> HttpResponse:
        message = _outbound_of(request.user, message_id)  # type: ignore[arg-type]
        return render(request, "inbox/_delivery.html", {"message": message})


class RetryView(RoleRequiredMixin, View):
    """POST: send a failed reply again (delivery first checks the platform did not take it already)."""

    minimum_role = Role.AGENT

    def post(self, request: HttpRequest, message_id: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        message = _outbound_of(user, message_id)
        try:
            message = retry_reply(user=user, message_id=message.pk)
        except ReplyRefused as refused:
            return render(request, "inbox/_delivery.html", {"message": message, "error": refused.message}, status=422)
        return render(request, "inbox/_delivery.html", {"message": message})
