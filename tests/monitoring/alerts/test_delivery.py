"""Alert rules fire on ingest and SLA warnings, and reach a real SMTP server and webhook receiver."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from inbox.models import Message, Sentiment
from inbox.signals import sla_warning
from monitoring.alerts.delivery import signature
from monitoring.alerts.models import AlertDelivery, AlertRule, DeliveryState
from monitoring.alerts.services import backoff, deliver, due_deliveries, flush_due_digests, set_webhook
from monitoring.queries.services import add_query
from tests.monitoring.factories import ingest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outage_rule(brand) -> AlertRule:
    query = add_query(brand=brand, name="Outage", query="outage OR neveikia OR сбой")
    rule = AlertRule.objects.create(
        brand=brand, name="Angry outage", negative_sentiment=True, notify_in_app=False, throttle_minutes=15
    )
    rule.queries.add(query)
    return rule


def _deliver_all() -> list[str]:
    return [deliver(delivery_id=pk) for pk in due_deliveries()]


def test_matching_negative_mention_is_emailed_to_local_smtp(outage_rule, smtp_server) -> None:
    outage_rule.email_recipients = "oncall@example.com, boss@example.com"
    outage_rule.save()
    ingest(outage_rule.brand, "Total outage <b>again</b>", sentiment=Sentiment.NEGATIVE)
    ingest(outage_rule.brand, "outage? fine by me", sentiment=Sentiment.POSITIVE)
    ingest(outage_rule.brand, "all good", sentiment=Sentiment.NEGATIVE)

    assert _deliver_all() == ["sent"]
    (mail,) = smtp_server.messages
    assert mail["Subject"] == "[Promptly] Acme Coffee: Angry outage"
    assert mail["To"] == "oncall@example.com, boss@example.com"
    body = mail.get_payload(decode=True).decode()
    assert "Matched “Outage”, negative" in body
    assert "Total outage <b>again</b>" in body
    delivery = AlertDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.hit_count) == (DeliveryState.SENT, 1, 1)
    assert deliver(delivery_id=delivery.pk) == "sent"  # idempotent: nothing sent twice
    assert len(smtp_server.messages) == 1


def test_webhook_gets_signed_slack_json_with_hostile_text_escaped(outage_rule, webhook_receiver) -> None:
    set_webhook(rule=outage_rule, url=webhook_receiver.url, secret="s3cret")
    (message,) = ingest(outage_rule.brand, "сбой <!channel> & more", sentiment=Sentiment.NEGATIVE, language="ru")

    assert _deliver_all() == ["sent"]
    (request,) = webhook_receiver.received
    assert request["headers"]["X-Promptly-Signature"] == signature("s3cret", request["body"])
    assert "&lt;!channel&gt; &amp; more" in request["json"]["text"]
    assert "<!channel>" not in request["json"]["text"]
    assert request["json"]["promptly"]["examples"][0]["message_id"] == message.pk
    assert AlertRule.objects.get().encrypted_webhook_secret not in ("", "s3cret")


def test_a_surge_sends_one_alert_then_one_digest(outage_rule, webhook_receiver) -> None:
    set_webhook(rule=outage_rule, url=webhook_receiver.url, secret="")
    for batch in range(10):
        ingest(outage_rule.brand, *[f"outage {batch}-{n}" for n in range(50)], sentiment=Sentiment.NEGATIVE)

    assert _deliver_all() == ["sent"]
    assert len(webhook_receiver.received) == 1
    assert webhook_receiver.received[0]["json"]["promptly"]["count"] == 50
    digest = AlertDelivery.objects.get(state=DeliveryState.COLLECTING)
    assert digest.hit_count == 450
    assert len(digest.message_ids) == 20  # a bounded sample, not the whole surge

    assert flush_due_digests(now=timezone.now()) == 0  # the throttle window is still open
    assert flush_due_digests(now=timezone.now() + timedelta(minutes=16)) == 1
    assert _deliver_all() == ["sent"]
    assert len(webhook_receiver.received) == 2
    summary = webhook_receiver.received[1]["json"]
    assert summary["promptly"]["digest"] is True
    assert summary["text"].count("\n") < 20
    assert "450 alerts" in summary["text"]
    assert AlertDelivery.objects.count() == 2


def test_failed_webhook_is_retried_until_the_receiver_answers(outage_rule, webhook_receiver, settings) -> None:
    settings.PROMPTLY_ALERT_RETRY_BASE_SECONDS = 0  # due again at once, so the test need not wait
    set_webhook(rule=outage_rule, url=webhook_receiver.url, secret="")
    webhook_receiver.fail_next = 2
    ingest(outage_rule.brand, "outage", sentiment=Sentiment.NEGATIVE)

    assert _deliver_all() == ["retrying"]
    delivery = AlertDelivery.objects.get()
    assert "HTTP 503" in delivery.last_error
    assert "internal-host" not in delivery.last_error  # what the receiver answered is not shown to people
    assert _deliver_all() == ["retrying"]
    assert _deliver_all() == ["sent"]
    assert _deliver_all() == []
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error, webhook_receiver.attempts) == (3, "", 3)
    assert len(webhook_receiver.received) == 1


def test_a_retry_waits_for_its_backoff_and_gives_up_after_the_last_attempt(outage_rule, settings) -> None:
    settings.PROMPTLY_ALERT_MAX_ATTEMPTS = 2
    settings.PROMPTLY_URL_ALLOWLIST = ["127.0.0.1:9"]
    outage_rule.webhook_url = "http://127.0.0.1:9/nothing-listens-here"
    outage_rule.save()
    ingest(outage_rule.brand, "outage", sentiment=Sentiment.NEGATIVE)

    assert _deliver_all() == ["retrying"]
    delivery = AlertDelivery.objects.get()
    assert "unreachable" in delivery.last_error
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert _deliver_all() == []  # not due yet
    assert deliver(delivery_id=delivery.pk) == "retrying"  # a stray task does not jump the queue
    AlertDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert _deliver_all() == ["failed"]


def test_backoff_doubles_up_to_its_cap(settings) -> None:
    settings.PROMPTLY_ALERT_RETRY_BASE_SECONDS, settings.PROMPTLY_ALERT_RETRY_CAP_SECONDS = 30, 300
    assert [backoff(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_quiet_hours_hold_alerts_until_they_end(outage_rule, smtp_server) -> None:
    now = timezone.now().astimezone(timezone.get_fixed_timezone(0))
    brand = outage_rule.brand
    brand.audience_time_zone = "UTC"
    brand.save()
    outage_rule.email_recipients = "oncall@example.com"
    outage_rule.quiet_hours_start = (now - timedelta(hours=1)).time().replace(microsecond=0)
    outage_rule.quiet_hours_end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    outage_rule.save()
    ingest(brand, "outage", "outage again", sentiment=Sentiment.NEGATIVE)

    assert _deliver_all() == []
    held = AlertDelivery.objects.get()
    assert held.state == DeliveryState.COLLECTING
    assert held.due_at.time().replace(tzinfo=None) == outage_rule.quiet_hours_end
    assert flush_due_digests(now=held.due_at) == 1
    assert _deliver_all() == ["sent"]
    assert "2 alerts while notifications were held back" in smtp_server.messages[0].get_payload(decode=True).decode()


def test_followers_condition(brand, smtp_server) -> None:
    rule = AlertRule.objects.create(
        brand=brand, name="Big voices", min_author_followers=10_000, notify_in_app=False, email_recipients="a@b.co"
    )
    ingest(brand, "meh", followers=50)
    ingest(brand, "meh", followers=None)
    assert not AlertDelivery.objects.exists()
    ingest(brand, "meh", followers=25_000)
    assert AlertDelivery.objects.get().rule == rule


def test_volume_spike_fires_once_the_window_holds_enough(outage_rule, smtp_server) -> None:
    outage_rule.spike_count, outage_rule.email_recipients = 5, "oncall@example.com"
    outage_rule.save()
    ingest(outage_rule.brand, "outage", "outage", sentiment=Sentiment.NEGATIVE)
    assert not AlertDelivery.objects.exists()
    ingest(outage_rule.brand, "outage", "outage", "outage", sentiment=Sentiment.NEGATIVE)
    delivery = AlertDelivery.objects.get()
    assert delivery.reason.startswith("volume spike: 5 mentions in 15 min")


def test_sla_warning_rule_combined_with_a_query(outage_rule, smtp_server) -> None:
    outage_rule.sla_kinds, outage_rule.negative_sentiment = ["breached"], False
    outage_rule.email_recipients = "oncall@example.com"
    outage_rule.save()
    (outage,) = ingest(outage_rule.brand, "outage here")
    (other,) = ingest(outage_rule.brand, "just a question")
    assert not AlertDelivery.objects.exists()  # an SLA rule does not fire on ingest

    send = sla_warning.send
    send(sender=Message, brand_id=outage_rule.brand_id, conversation_id=other.conversation_id, kind="breached")
    send(sender=Message, brand_id=outage_rule.brand_id, conversation_id=outage.conversation_id, kind="at_risk")
    assert not AlertDelivery.objects.exists()
    send(sender=Message, brand_id=outage_rule.brand_id, conversation_id=outage.conversation_id, kind="breached")
    assert AlertDelivery.objects.get().conversation_ids == [outage.conversation_id]
    assert _deliver_all() == ["sent"]
    assert "SLA breached" in smtp_server.messages[0].get_payload(decode=True).decode()


def test_quiet_hours_may_cross_midnight(outage_rule) -> None:
    from datetime import datetime

    from monitoring.alerts.services import quiet_hours_end

    outage_rule.quiet_hours_start, outage_rule.quiet_hours_end = time(22, 0), time(7, 0)
    la = outage_rule.brand.audience_time_zone  # America/Los_Angeles
    import zoneinfo

    zone = zoneinfo.ZoneInfo(la)
    late = datetime(2026, 3, 7, 23, 30, tzinfo=zone)
    early = datetime(2026, 3, 8, 6, 0, tzinfo=zone)  # the day clocks change: still 07:00 local
    noon = datetime(2026, 3, 8, 12, 0, tzinfo=zone)
    assert quiet_hours_end(outage_rule, late) == datetime(2026, 3, 8, 7, 0, tzinfo=zone)
    assert quiet_hours_end(outage_rule, early) == datetime(2026, 3, 8, 7, 0, tzinfo=zone)
    assert quiet_hours_end(outage_rule, noon) is None
