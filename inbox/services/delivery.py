"""Delivering a queued reply through its channel's connector, at most once per click.

The outbound message is an outbox row guarded by its status (HackSoft's emails/services.py):

    queued --claim--> sending --connector.send()--> sent | failed
                         |  (PlatformUnavailable: stays sending, retried later)

`sending` is committed *before* the platform is called. A worker that dies after the platform
accepted the reply but before `sent` was committed leaves the row in `sending`; whoever picks it up
next finds `sending` (or an earlier error) and first asks the platform with find_sent() whether the
reply is already there, and posts only if it is not. While a worker talks to the platform it holds
the row lock, so a second worker skips the row instead of posting beside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from inbox.models import DeliveryStatus, Direction, Message, Visibility
from inbox.services.replies import publish_reply_status
from inbox.signals import reply_failed
from inbox.sla.services import record_response
from monitoring.connectors.base import DeliveryRefused, OutboundReply, PlatformUnavailable, SentReceipt
from monitoring.connectors.facebook import comment_thread_root
from monitoring.models import Platform

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed", "retry" (the platform is unavailable) or "skipped" (nothing to do)
    reason: str = ""
    retry_after: datetime | None = None


SKIPPED = DeliveryOutcome("skipped")


def outbound_reply(message: Message) -> OutboundReply:
    """The connector's view of a reply: text, visibility, thread and whom it answers."""
    conversation = message.conversation
    private = message.visibility == Visibility.PRIVATE
    recipient = conversation.author.external_id if private and conversation.author else ""
    return OutboundReply(
        idempotency_key=str(message.idempotency_key),
        text=message.text,
        visibility=message.visibility,
        thread_key=conversation.thread_key,
        in_reply_to=_posted_under(message),
        recipient_id=recipient,
        written_at=message.created_at,
    )


def _posted_under(message: Message) -> str:
    """The platform id a reply is posted under: the message it answers, except that a public Facebook answer
    to a comment reply goes under that reply's top-level comment (Facebook threads one level deep)."""
    if message.account.platform != Platform.FACEBOOK or message.visibility != Visibility.PUBLIC:
        return message.in_reply_to
    parent = (
        Message.objects.filter(account_id=message.account_id, external_id=message.in_reply_to)
        .values_list("in_reply_to", flat=True)
        .first()
    )
    return comment_thread_root(message.in_reply_to, parent or "")


def claim(*, message_id: int) -> bool | None:
    """Move a queued reply to sending and commit; None when there is nothing to deliver.

    Returns whether an earlier attempt may already have reached the platform (the row was already
    sending, or carries an earlier error), in which case delivery must reconcile first.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=message_id, direction=Direction.OUTBOUND)
            .select_related("conversation")
            .first()
        )
        if message is None or message.delivery_status not in (DeliveryStatus.QUEUED, DeliveryStatus.SENDING):
            return None
        attempted_before = message.delivery_status == DeliveryStatus.SENDING or bool(message.delivery_error)
        if message.delivery_status == DeliveryStatus.QUEUED:
            message.delivery_status = DeliveryStatus.SENDING
            message.save(update_fields=["delivery_status"])
            publish_reply_status(message)
    return attempted_before


def deliver(*, message_id: int) -> DeliveryOutcome:
    """Post one reply through its connector (or find it already posted); safe to run any number of times."""
    from monitoring.connectors.registry import connector_for

    attempted_before = claim(message_id=message_id)
    if attempted_before is None:
        return SKIPPED
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=message_id, delivery_status=DeliveryStatus.SENDING)
            .select_related("conversation__author", "account")
            .first()
        )
        if message is None:
            return SKIPPED
        connector = connector_for(message.account)
        reply = outbound_reply(message)
        try:
            receipt = _reconciled(message, connector.find_sent(reply)) if attempted_before else None
            if receipt is None:
                receipt = connector.send(reply)
        except DeliveryRefused as refused:
            _mark_failed(message, refused.reason, link=refused.link)
            return DeliveryOutcome("failed", reason=refused.reason)
        except PlatformUnavailable as fault:
            message.delivery_error = f"{fault.reason} (retrying)"
            message.save(update_fields=["delivery_error"])
            publish_reply_status(message)
            return DeliveryOutcome("retry", reason=fault.reason, retry_after=fault.retry_after)
        _mark_sent(message, receipt)
    return DeliveryOutcome("sent")


def _reconciled(message: Message, receipt: SentReceipt | None) -> SentReceipt | None:
    """The platform's copy of this reply, unless it is the copy of another reply of ours with the same text.

    find_sent answers the newest post of the same text in the same place: when that one is already
    recorded as an earlier click's reply, this reply never reached the platform.
    """
    if receipt is None:
        return None
    taken = (
        Message.objects.filter(account_id=message.account_id, external_id=receipt.external_id)
        .exclude(pk=message.pk)
        .filter(idempotency_key__isnull=False)
        .exists()
    )
    return None if taken else receipt


def _mark_sent(message: Message, receipt: SentReceipt) -> None:
    # Polling may already have stored this very post as the brand's own outbound message; that copy
    # is an echo of ours (no click's key), and ours carries who sent it and the click's key.
    Message.objects.filter(
        account_id=message.account_id,
        external_id=receipt.external_id,
        direction=Direction.OUTBOUND,
        idempotency_key__isnull=True,
    ).exclude(pk=message.pk).delete()
    message.delivery_status = DeliveryStatus.SENT
    message.external_id = receipt.external_id
    message.url = receipt.url
    message.delivery_error = ""
    message.platform_time = timezone.now()
    message.save(update_fields=["delivery_status", "external_id", "url", "delivery_error", "platform_time"])
    # The first reply a person sent stops the conversation's SLA clock.
    record_response(message_id=message.pk, sent_at=message.platform_time)
    publish_reply_status(message)
    logger.info("reply %s sent as %s", message.pk, receipt.external_id)


def _mark_failed(message: Message, reason: str, *, link: str) -> None:
    message.delivery_status = DeliveryStatus.FAILED
    message.delivery_error = reason
    # A refused reply keeps the platform's link to the post, where the agent can answer by hand.
    message.url = link
    message.save(update_fields=["delivery_status", "delivery_error", "url"])
    reply_failed.send(sender=Message, message_id=message.pk)
    publish_reply_status(message)
    logger.info("reply %s refused: %s", message.pk, reason)


@transaction.atomic
def give_up(*, message_id: int, reason: str) -> None:
    """After the last retry: a reply still sending becomes failed, with the reason and a retry button."""
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation")
        .filter(pk=message_id, delivery_status=DeliveryStatus.SENDING)
        .first()
    )
    if message is not None:
        _mark_failed(message, f"The platform stayed unavailable: {reason}. Retry when it is back.", link="")


# A reply still queued this long after it was written lost its task (the broker was down at commit);
# one still sending this long after it was written outlived every retry (a worker crashed oddly).
STALLED_QUEUED = timedelta(minutes=2)
STALLED_SENDING = timedelta(hours=2)


def stalled_replies(*, now: datetime | None = None) -> list[int]:
    """Replies whose delivery task is gone: deliver them again (delivery reconciles, so this is safe)."""
    now = now or timezone.now()
    return list(
        Message.objects.filter(direction=Direction.OUTBOUND)
        .filter(
            models.Q(delivery_status=DeliveryStatus.QUEUED, created_at__lt=now - STALLED_QUEUED)
            | models.Q(delivery_status=DeliveryStatus.SENDING, created_at__lt=now - STALLED_SENDING)
        )
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
