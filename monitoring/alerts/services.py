"""Raising alerts (throttled into digests, held in quiet hours), and delivering them with retries.

Locking rule: recording a hit locks its AlertRule row (select_for_update) so concurrent ingest batches
agree on whether a digest is open. Delivering claims an AlertDelivery row (state SENDING with a lease
in next_attempt_at) in its own short transaction, sends outside any transaction, then records the
result; a worker that dies mid-send leaves a lease that the sweeper picks up when it expires.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from monitoring import enqueue
from monitoring.alerts.conditions import EXAMPLES_KEPT, Hit
from monitoring.alerts.delivery import SENDERS, DeliveryFailed, publish_in_app
from monitoring.alerts.models import AlertChannel, AlertDelivery, AlertRule, DeliveryState
from monitoring.alerts.secrets import encrypt_secret

SEND_LEASE = timedelta(minutes=5)


@transaction.atomic
def set_webhook(*, rule: AlertRule, url: str, secret: str) -> None:
    rule.webhook_url = url
    rule.encrypted_webhook_secret = encrypt_secret(secret)
    rule.full_clean()
    rule.save(update_fields=["webhook_url", "encrypted_webhook_secret"])


def channels_of(rule: AlertRule) -> list[str]:
    chosen = [AlertChannel.IN_APP] if rule.notify_in_app else []
    # A listening-health rule e-mails the brand's responsible people even with no address of its own.
    chosen += [AlertChannel.EMAIL] if rule.recipients() or rule.listening_health else []
    chosen += [AlertChannel.WEBHOOK] if rule.webhook_url else []
    return [str(channel) for channel in chosen]


def quiet_hours_end(rule: AlertRule, now: datetime) -> datetime | None:
    """When the rule's quiet hours (brand's time zone) end, if `now` is inside them; else None."""
    start, end = rule.quiet_hours_start, rule.quiet_hours_end
    if start is None or end is None:
        return None
    zone = zoneinfo.ZoneInfo(rule.brand.audience_time_zone)
    local = now.astimezone(zone)
    clock = local.time()
    inside = (start <= clock < end) if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone).astimezone(UTC)


def _merge(delivery: AlertDelivery, hit: Hit) -> None:
    delivery.hit_count += hit.count
    delivery.message_ids = list(dict.fromkeys([*delivery.message_ids, *hit.message_ids]))[:EXAMPLES_KEPT]
    delivery.conversation_ids = list(dict.fromkeys([*delivery.conversation_ids, *hit.conversation_ids]))[:EXAMPLES_KEPT]
    delivery.save(update_fields=["hit_count", "message_ids", "conversation_ids"])


def _record(rule: AlertRule, channel: str, hit: Hit, now: datetime) -> AlertDelivery | None:
    """Add the hit to an open digest, open one (throttled or quiet), or return a delivery to send now."""
    open_digest = AlertDelivery.objects.filter(rule=rule, channel=channel, state=DeliveryState.COLLECTING).first()
    if open_digest:
        _merge(open_digest, hit)
        return None
    quiet_until = quiet_hours_end(rule, now) if channel != AlertChannel.IN_APP else None
    latest = AlertDelivery.objects.filter(rule=rule, channel=channel).order_by("-due_at").first()
    throttle = timedelta(minutes=rule.throttle_minutes)
    # Listening incidents are once each already (one alert, one recovery note): never held into a digest.
    recent = latest and latest.due_at > now - throttle and not rule.listening_health
    throttled_until = latest.due_at + throttle if latest and recent else None
    hold_until = max(filter(None, [quiet_until, throttled_until]), default=None)
    delivery = AlertDelivery.objects.create(
        rule=rule,
        channel=channel,
        is_digest=hold_until is not None,
        state=DeliveryState.COLLECTING if hold_until else DeliveryState.PENDING,
        reason=hit.reason[:300],
        hit_count=hit.count,
        message_ids=hit.message_ids[:EXAMPLES_KEPT],
        conversation_ids=hit.conversation_ids[:EXAMPLES_KEPT],
        due_at=hold_until or now,
    )
    return None if hold_until else delivery


def raise_alerts(*, hits: list[Hit]) -> list[AlertDelivery]:
    """Log each hit per channel; send at once unless throttled or in quiet hours (then it joins a digest)."""
    return _raise_alerts(hits) if hits else []


@transaction.atomic
def _raise_alerts(hits: list[Hit]) -> list[AlertDelivery]:
    now = timezone.now()
    immediate: list[AlertDelivery] = []
    for hit in hits:
        rule = AlertRule.objects.select_for_update().select_related("brand").get(pk=hit.rule.pk)
        for channel in channels_of(rule):
            delivery = _record(rule, channel, hit, now)
            if delivery:
                immediate.append(delivery)
    for delivery in immediate:
        _dispatch(delivery)
    return immediate


def _dispatch(delivery: AlertDelivery) -> None:
    """In-app alerts go out with the transaction's commit; the others through the Celery task."""
    if delivery.channel == AlertChannel.IN_APP:
        publish_in_app(delivery)
        delivery.state, delivery.sent_at, delivery.attempts = DeliveryState.SENT, timezone.now(), 1
        delivery.save(update_fields=["state", "sent_at", "attempts"])
        return
    enqueue.deliver_alert(delivery.pk)


@transaction.atomic
def flush_due_digests(*, now: datetime | None = None) -> int:
    """Close the digests whose window or quiet hours ended and send them."""
    now = now or timezone.now()
    due = list(
        AlertDelivery.objects.select_for_update(skip_locked=True)
        .select_related("rule__brand")
        .filter(state=DeliveryState.COLLECTING, due_at__lte=now)
    )
    for digest in due:
        digest.state = DeliveryState.PENDING
        digest.save(update_fields=["state"])
        _dispatch(digest)
    return len(due)


def backoff(attempts: int) -> timedelta:
    """Capped exponential backoff after the n-th failed attempt."""
    seconds = settings.PROMPTLY_ALERT_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.PROMPTLY_ALERT_RETRY_CAP_SECONDS))


@transaction.atomic
def _claim(delivery_id: int, now: datetime) -> AlertDelivery | None:
    delivery = (
        AlertDelivery.objects.select_for_update(skip_locked=True)
        .select_related("rule__brand")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.channel not in SENDERS:
        return None
    sendable = delivery.state in (DeliveryState.PENDING, DeliveryState.RETRYING, DeliveryState.SENDING)
    if not sendable or (delivery.next_attempt_at and delivery.next_attempt_at > now):
        return None  # sent already, collecting, given up, not due yet, or another worker's lease
    delivery.state, delivery.attempts, delivery.next_attempt_at = (
        DeliveryState.SENDING,
        delivery.attempts + 1,
        now + SEND_LEASE,
    )
    delivery.save(update_fields=["state", "attempts", "next_attempt_at"])
    return delivery


def deliver(*, delivery_id: int) -> str:
    """Try to send one e-mail or webhook alert; idempotent (a sent one is never sent again). Returns the state."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return AlertDelivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first() or "missing"
    try:
        SENDERS[delivery.channel](delivery)
    except DeliveryFailed as error:
        return _failed(delivery, str(error))
    delivery.state, delivery.sent_at, delivery.next_attempt_at, delivery.last_error = (
        DeliveryState.SENT,
        timezone.now(),
        None,
        "",
    )
    delivery.save(update_fields=["state", "sent_at", "next_attempt_at", "last_error"])
    return delivery.state


def _failed(delivery: AlertDelivery, error: str) -> str:
    delivery.last_error = error[:2000]
    if delivery.attempts >= settings.PROMPTLY_ALERT_MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.state, delivery.next_attempt_at = DeliveryState.RETRYING, timezone.now() + backoff(delivery.attempts)
    delivery.save(update_fields=["state", "next_attempt_at", "last_error"])
    return delivery.state


def due_deliveries(*, now: datetime | None = None) -> list[int]:
    """Deliveries to (re)try now: due retries, pending ones never picked up, and expired send leases."""
    now = now or timezone.now()
    return list(
        AlertDelivery.objects.filter(
            state__in=[DeliveryState.PENDING, DeliveryState.RETRYING, DeliveryState.SENDING],
            channel__in=list(SENDERS),
        )
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)[:500]
    )
