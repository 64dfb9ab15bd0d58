"""Alert rules (conditions and where to deliver) and the log of every alert delivered."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SlaKind(models.TextChoices):
    AT_RISK = "at_risk", _("SLA at risk")
    BREACHED = "breached", _("SLA breached")


class AlertRule(models.Model):
    """When every condition set holds (AND), tell people through the channels chosen."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="alert_rules")
    name = models.CharField(max_length=120)
    enabled = models.BooleanField(default=True)
    # Conditions: an empty one does not constrain; a rule needs at least one.
    queries = models.ManyToManyField(
        "monitoring.MonitoredQuery", blank=True, related_name="alert_rules", help_text="Any of these matched."
    )
    negative_sentiment = models.BooleanField(default=False, help_text="Only negative mentions.")
    min_author_followers = models.PositiveIntegerField(
        null=True, blank=True, help_text="Only authors with at least this many followers."
    )
    spike_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(2)],
        help_text="Volume spike: at least this many mentions meeting the other conditions within the window.",
    )
    spike_window_minutes = models.PositiveIntegerField(default=15, validators=[MinValueValidator(1)])
    crisis_spikes = models.BooleanField(
        default=False,
        help_text="Crisis detector: a surge of mentions or negative mentions above the brand's normal (crisis app).",
    )
    sla_kinds = ArrayField(
        models.CharField(max_length=8, choices=SlaKind.choices),
        default=list,
        blank=True,
        help_text="SLA warnings that trigger the rule (at_risk, breached).",
    )
    # Delivery.
    notify_in_app = models.BooleanField(default=True, help_text="A live toast and browser notification.")
    email_recipients = models.TextField(blank=True, help_text="E-mail addresses, comma-separated.")
    webhook_url = models.URLField(max_length=2000, blank=True, help_text="Slack-compatible or generic webhook.")
    # HMAC-SHA256 key for the X-Promptly-Signature header, encrypted at rest (monitoring.alerts.secrets).
    encrypted_webhook_secret = models.TextField(blank=True, editable=False)
    # Flood control: after one alert, further hits within this many minutes go into one digest.
    throttle_minutes = models.PositiveIntegerField(default=15, validators=[MinValueValidator(1)])
    quiet_hours_start = models.TimeField(null=True, blank=True, help_text="In the brand's audience time zone.")
    quiet_hours_end = models.TimeField(null=True, blank=True)
    # The brand's listening-health rule (monitoring.health): no conditions; it tells the brand's admins and
    # on-shift supervisors when a stream stops, through the same channels, log and retries as every rule.
    listening_health = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="alert_rule_name_unique_per_brand"),
            models.UniqueConstraint(
                fields=["brand"], condition=Q(listening_health=True), name="one_listening_rule_per_brand"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def recipients(self) -> list[str]:
        return [address.strip() for address in self.email_recipients.split(",") if address.strip()]

    def clean(self) -> None:
        for address in self.recipients():
            try:
                validate_email(address)
            except ValidationError as error:
                raise ValidationError({"email_recipients": f"{address!r} is not an e-mail address"}) from error
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValidationError({"quiet_hours_end": "Set both ends of the quiet hours, or neither."})
        if self.webhook_url:
            from monitoring.connectors.public_urls import URLRefused, check_public_url

            try:
                check_public_url(self.webhook_url)
            except URLRefused as error:
                raise ValidationError({"webhook_url": str(error)}) from error
        if self.pk is None and not (self.notify_in_app or self.recipients() or self.webhook_url):
            raise ValidationError("Choose at least one way to deliver the alert.")


class AlertChannel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryState(models.TextChoices):
    COLLECTING = "collecting", _("Collecting (digest)")
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class AlertDelivery(models.Model):
    """One alert (or digest of alerts) to one channel, with its delivery result: the alert log."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=AlertChannel.choices)
    is_digest = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    reason = models.CharField(max_length=300, help_text="What triggered it, e.g. 'query Outage matched'.")
    hit_count = models.PositiveIntegerField(default=1)
    # A bounded sample of what triggered it, for the message body (never the whole surge).
    message_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    conversation_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # A digest is sent when its window (or the quiet hours) ends.
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "alert deliveries"
        constraints = [
            # At most one open digest per rule and channel: hits of a surge all land in it.
            models.UniqueConstraint(
                fields=["rule", "channel"], condition=Q(state="collecting"), name="one_open_digest_per_rule_channel"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="alert_delivery_due")]

    def __str__(self) -> str:
        return f"{self.rule} → {self.get_channel_display()} ({self.state})"
