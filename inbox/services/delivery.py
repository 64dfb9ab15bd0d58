"""Delivering a queued reply through its channel's connector, at most once per click.

The outbound message is an outbox row guarded by its status (HackSoft's emails/services.py):

    queued --claim--> sending --connector.send()--> sent | failed
                         |  (PlatformUnavailable: stays sending, retried later)
                         |  (DeliveryInDoubt: failed, "check on the platform before retrying")

`sending` is committed *before* the platform is called, with the time of the first attempt and a short
lease. A worker that dies after the platform accepted the reply but before `sent` was committed leaves
the row in `sending`; once its lease runs out the sweep hands it to another worker, which first asks the
platform with find_sent() for copies of the reply posted since the first attempt in the same place, and
posts only if there is none. One copy is this reply; more than one leaves doubt, and doubt is never
recorded as sent. While a worker talks to the platform it holds the row lock, so a second worker skips
the row instead of posting beside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from inbox.models import DeliveryStatus, Direction, Message, NotificationKind, Visibility
from inbox.notifications import notify_on_commit
from inbox.services.replies import publish_reply_status
from inbox.signals import reply_failed
from inbox.sla.services import record_response
from monitoring.connectors.base import (
    Connector,
    DeliveryInDoubt,
    DeliveryRefused,
    OutboundReply,
    PlatformUnavailable,
    PossiblyPosted,
    SentReceipt,
)
from monitoring.connectors.facebook import comment_thread_root
from monitoring.models import Platform

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed", "retry" (the platform is unavailable) or "skipped" (nothing to do)
    reason: str = ""
    retry_after: datetime | None = None


SKIPPED = DeliveryOutcome("skipped")

# What else may be stored under a reply's platform id (delivery._stored_under).
ANOTHER_REPLY, ECHO, OTHER = "another reply", "echo", "other"


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
        first_attempted_at=message.first_attempted_at,
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
    """Move a queued reply to sending, note its first attempt, lease it, and commit; None when there is
    nothing to deliver.

    Returns whether an earlier attempt may already have reached the platform (the row was already
    sending, or was attempted before), in which case delivery must reconcile first.
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
        attempted_before = (
            message.delivery_status == DeliveryStatus.SENDING
            or message.first_attempted_at is not None
            or bool(message.delivery_error)
        )
        now = timezone.now()
        message.first_attempted_at = message.first_attempted_at or now
        message.delivery_lease_until = now + delivery_lease()
        queued = message.delivery_status == DeliveryStatus.QUEUED
        message.delivery_status = DeliveryStatus.SENDING
        message.save(update_fields=["delivery_status", "first_attempted_at", "delivery_lease_until"])
        if queued:
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
            receipt = _reconciled(message, connector, reply) if attempted_before else None
            if receipt is None:
                receipt = _posted(message, connector, reply)
            _adopt_echo(message, receipt, reply)
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


def _posted(message: Message, connector: Connector, reply: OutboundReply) -> SentReceipt:
    """Post the reply; a refusal that says the platform may already hold it is looked into, not believed."""
    try:
        return connector.send(reply)
    except PossiblyPosted as refusal:
        receipt = _reconciled(message, connector, reply)
        if receipt is None:
            raise
        logger.info("reply %s refused as already posted, and found: %s", message.pk, refusal.reason)
        return receipt


def _reconciled(message: Message, connector: Connector, reply: OutboundReply) -> SentReceipt | None:
    """The platform's copy of this reply: None when there is none, DeliveryInDoubt when there is no telling.

    find_sent answers the brand's posts of the same words in the same place since the first attempt;
    those already recorded as another click's reply are not this one.
    """
    copies = connector.find_sent(reply)
    stored = _stored_under(message, [copy.external_id for copy in copies], reply)
    candidates = [copy for copy in copies if ANOTHER_REPLY not in stored.get(copy.external_id, {})]
    if len(candidates) > 1:
        raise DeliveryInDoubt(
            f"The platform shows {len(candidates)} posts with this reply's words in this place since it was "
            "first sent, so Promptly cannot tell which one is this reply.",
            link=candidates[0].url,
        )
    return candidates[0] if candidates else None


def _adopt_echo(message: Message, receipt: SentReceipt, reply: OutboundReply) -> None:
    """Polling may already have stored this very post as the brand's own outbound message (no click's key):
    that echo is dropped, ours carries who sent it and the click's key. Only a provable echo is dropped;
    anything else stored under that id leaves doubt."""
    stored = _stored_under(message, [receipt.external_id], reply).get(receipt.external_id, {})
    if set(stored) - {ECHO}:
        raise DeliveryInDoubt(
            "The platform's copy of this reply is already recorded as another message.", link=receipt.url
        )
    if stored:
        Message.objects.filter(pk__in=stored[ECHO]).delete()


def _stored_under(message: Message, external_ids: list[str], reply: OutboundReply) -> dict[str, dict[str, list[int]]]:
    """What this account already stores under these platform ids, besides the reply itself, in one read:
    another click's reply (it has a click's key), an echo (the brand's own post as polling stored it since
    the first attempt, without a key) or anything else; by platform id, then kind, the messages' ids."""
    rows = (
        Message.objects.filter(account_id=message.account_id, external_id__in=external_ids)
        .exclude(pk=message.pk)
        .values_list("pk", "external_id", "direction", "idempotency_key", "platform_time")
    )
    stored: dict[str, dict[str, list[int]]] = {}
    for pk, external_id, direction, key, platform_time in rows:
        if key is not None:
            kind = ANOTHER_REPLY
        elif direction == Direction.OUTBOUND and platform_time >= reply.reconcile_since:
            kind = ECHO
        else:
            kind = OTHER
        stored.setdefault(external_id or "", {}).setdefault(kind, []).append(pk)
    return stored


def _mark_sent(message: Message, receipt: SentReceipt) -> None:
    message.delivery_status = DeliveryStatus.SENT
    message.external_id = receipt.external_id
    message.url = receipt.url
    message.delivery_error = ""
    message.delivery_lease_until = None
    message.platform_time = timezone.now()
    message.save(
        update_fields=[
            "delivery_status",
            "external_id",
            "url",
            "delivery_error",
            "delivery_lease_until",
            "platform_time",
        ]
    )
    # The first reply a person sent stops the conversation's SLA clock.
    record_response(message_id=message.pk, sent_at=message.platform_time)
    publish_reply_status(message)
    logger.info("reply %s sent as %s", message.pk, receipt.external_id)


def _mark_failed(message: Message, reason: str, *, link: str) -> None:
    message.delivery_status = DeliveryStatus.FAILED
    message.delivery_error = reason
    message.delivery_lease_until = None
    # A refused reply keeps the platform's link to the post, where the agent can answer by hand.
    message.url = link
    message.save(update_fields=["delivery_status", "delivery_error", "delivery_lease_until", "url"])
    reply_failed.send(sender=Message, message_id=message.pk)
    notify_on_commit(user_id=message.sent_by_id, kind=NotificationKind.REPLY_FAILED, conversation=message.conversation)
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


def delivery_lease() -> timedelta:
    """How long a worker has a reply it took before the sweep gives it to another (PROMPTLY_DELIVERY_LEASE_SECONDS).

    Longer than a send and its reconciliation normally take; a worker still at it when the lease runs
    out holds the row lock, so the redelivered task skips the row (see docs/decisions/).
    """
    return timedelta(seconds=settings.PROMPTLY_DELIVERY_LEASE_SECONDS)


def hold_for_retry(*, message_id: int, seconds: int) -> None:
    """The platform is unavailable and the task retries in `seconds`: the sweep leaves the reply alone till then."""
    until = timezone.now() + timedelta(seconds=seconds) + delivery_lease()
    Message.objects.filter(pk=message_id, delivery_status=DeliveryStatus.SENDING).update(delivery_lease_until=until)


# A reply still queued this long after it was written lost its task (the broker was down at commit); a
# busy queue takes a while to reach the last of a bulk action's replies, so this is longer than a lease.
STALLED_QUEUED = timedelta(minutes=2)


def stalled_replies(*, now: datetime | None = None) -> list[int]:
    """Replies whose delivery task is gone: deliver them again (delivery reconciles, so this is safe).

    Queued ones lost their task (the broker was down at commit, or a worker died before it claimed
    them); sending ones outlived their lease (the worker died mid-delivery).
    """
    now = now or timezone.now()
    return list(
        Message.objects.filter(
            direction=Direction.OUTBOUND, delivery_status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
        )
        .filter(
            models.Q(delivery_lease_until__lt=now)
            | models.Q(delivery_lease_until__isnull=True, created_at__lt=now - STALLED_QUEUED)
        )
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
