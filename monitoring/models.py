"""What Promptly listens to: the connected accounts of each brand, their streams and listening incidents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from brands.models import Brand

# Django finds an app's models through its models module: the app's split model files are imported here.
from monitoring.alerts.models import AlertDelivery, AlertRule  # noqa: F401
from monitoring.checkins.models import CheckInReminder, CoverageGap, Shift  # noqa: F401
from monitoring.queries.models import MessageQueryMatch, MonitoredQuery  # noqa: F401


class Platform(models.TextChoices):
    X = "x", _("X")
    FACEBOOK = "facebook", _("Facebook")
    FEED = "feed", _("Alert feed")
    WEBHOOK = "webhook", _("Webhook")


class ChannelAccount(models.Model):
    """One connected source of a brand: an X account, a Facebook Page, an alert feed, a webhook."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    # The platform's id for the account: X user id, Facebook Page id, the feed URL, a webhook key.
    external_id = models.CharField(max_length=500)
    handle = models.CharField(max_length=200, blank=True, help_text="@handle, Page name or feed title.")
    feed_url = models.URLField(max_length=2000, blank=True)
    # Platform tokens, encrypted at rest (monitoring.crypto); never shown back in full.
    encrypted_credentials = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    poll_interval_seconds = models.PositiveIntegerField(default=60)
    # Why the account cannot work until an admin acts (its stored tokens cannot be decrypted); "" when fine.
    failing_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["brand", "platform", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "platform", "external_id"], name="account_unique_per_brand"),
            # A Page's webhook events go to the brand that owns it, never to several.
            models.UniqueConstraint(
                fields=["external_id"], condition=models.Q(platform="facebook"), name="facebook_page_one_brand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.handle or self.external_id}"

    def clean(self) -> None:
        from monitoring.connectors.public_urls import URLRefused, check_public_url

        if self.feed_url:
            try:
                check_public_url(self.feed_url)
            except URLRefused as error:
                raise ValidationError({"feed_url": str(error)}) from error


class StreamCursor(models.Model):
    """Where polling of one stream of an account stopped (since_id, next token), committed with its batch."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="cursors")
    stream = models.CharField(max_length=32, help_text="mentions, search, dms, page_feed, conversations, feed …")
    position = models.JSONField(default=dict, blank=True)
    # When the platform asked us to wait (HTTP 429) or a fault backs us off: not polled before this.
    paused_until = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Listening health (monitoring.health): set by ingest's cursor upsert and by a poll's faults.
    last_success_at = models.DateTimeField(null=True, blank=True, help_text="Last page fetched and stored.")
    failing_since = models.DateTimeField(null=True, blank=True, help_text="First fault since the last success.")
    catching_up = models.BooleanField(default=False, help_text="The last poll left pages ready for the next.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "stream"], name="cursor_unique_per_stream")]

    def __str__(self) -> str:
        return f"{self.account} / {self.stream}"


class ListeningIncident(models.Model):
    """An account with a stream failing or silent past its threshold: alerted once when opened, noted once
    when every stream of it listens again."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="incidents")
    started_at = models.DateTimeField(help_text="When it stopped hearing: the first fault or the last success.")
    opened_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    recovered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(recovered_at__isnull=True), name="one_open_incident_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.reason[:60]}"
