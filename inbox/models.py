"""The conversation queue: authors, conversations, messages (both directions) and quarantine."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from monitoring.models import Brand, ChannelAccount, Platform


class Author(models.Model):
    """A person (or page) who wrote to or about a brand, per platform, so agents see their history."""

    platform = models.CharField(max_length=16, choices=Platform.choices)
    external_id = models.CharField(max_length=200)
    handle = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=300, blank=True)
    followers_count = models.PositiveIntegerField(null=True, blank=True)
    profile_url = models.URLField(max_length=2000, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], name="author_unique_per_platform")]

    def __str__(self) -> str:
        return self.handle or self.name or self.external_id


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class Status(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending (waiting on customer)"
    RESOLVED = "resolved", "Resolved"
    SNOOZED = "snoozed", "Snoozed"
    SPAM = "spam", "Spam"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"
    # A language we have no lexicon for: said openly instead of passing it off as neutral.
    UNKNOWN = "unknown", "Not scored (language)"


class Conversation(models.Model):
    """A thread with one customer in one channel: an X conversation, a Facebook post's comments, a DM."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="conversations")
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="conversations")
    # The platform's thread: X conversation_id, Facebook post or comment id, DM partner id, feed entry id.
    thread_key = models.CharField(max_length=500)
    visibility = models.CharField(max_length=8, choices=Visibility.choices)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations")
    subject = models.CharField(max_length=300, blank=True, help_text="A short line for the queue.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned"
    )
    snoozed_until = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, default=Sentiment.NEUTRAL)
    priority = models.PositiveSmallIntegerField(default=0)
    first_inbound_at = models.DateTimeField()
    last_inbound_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    # The SLA clock: when the oldest inbound message without a reply arrived, and when it is due.
    # Null when nothing waits for an answer.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "thread_key"], name="conversation_unique_per_thread"),
        ]
        indexes = [
            # The default queue: brand's open work, most urgent first, keyset on (due, id).
            models.Index(fields=["brand", "status", "response_due_at", "id"], name="conv_queue_due"),
            models.Index(fields=["brand", "last_message_at", "id"], name="conv_queue_newest"),
            models.Index(fields=["assignee", "status"], name="conv_assignee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.thread_key}"


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NOTE = "note", "Note (not sendable)"


class Message(models.Model):
    """One post, comment, DM or feed entry, inbound from a customer or outbound from the brand."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="messages")
    # The platform's own id; empty for an outbound reply not yet accepted by the platform.
    external_id = models.CharField(max_length=500, null=True, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    visibility = models.CharField(max_length=8, choices=Visibility.choices)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages")
    in_reply_to = models.CharField(max_length=500, blank=True, help_text="External id of the parent post.")
    text = models.TextField()
    url = models.URLField(max_length=2000, blank=True)
    platform_time = models.DateTimeField()
    received_at = models.DateTimeField()
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, default=Sentiment.NEUTRAL)
    priority = models.PositiveSmallIntegerField(default=0)
    # A monitored query matched it (inbox.services.priority.mark_query_matches): counted in priority once.
    matched_query = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, blank=True)
    # Outbound only: who sent it, the delivery state machine, and the idempotency key of the click.
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    is_automated = models.BooleanField(default=False)
    delivery_status = models.CharField(max_length=8, choices=DeliveryStatus.choices, blank=True)
    delivery_error = models.TextField(blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "external_id"], name="message_unique_per_account"),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=Q(idempotency_key__isnull=False), name="message_idempotency"
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "platform_time", "id"], name="msg_thread_order"),
            # Replies not yet delivered, for the sweep that re-drives lost delivery tasks (a few rows).
            models.Index(
                fields=["created_at"], name="msg_undelivered", condition=Q(delivery_status__in=["queued", "sending"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.external_id or '(unsent)'}"


class QuarantinedItem(models.Model):
    """A fetched item we could not parse: kept with its raw payload and the reason, re-processable."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="quarantine")
    stream = models.CharField(max_length=32)
    raw = models.TextField()
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    reprocessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account} / {self.stream}: {self.reason[:60]}"


from inbox.sla.models import ResponseClock, SlaPolicy, SlaWarning  # noqa: E402, F401  (SLA lives in its own module)
