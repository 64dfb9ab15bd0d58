"""The conversation queue: authors, conversations, messages (both directions) and quarantine."""

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex, GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from brands.models import Brand
from inbox.search import urgency_key
from inbox.sla.models import (  # noqa: F401  (SLA lives in its own module)
    ResponseClock,
    SlaPolicy,
    SlaRollupCell,
    SlaRollupChange,
    SlaRollupDay,
    SlaWarning,
)
from monitoring.models import ChannelAccount, Platform


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


class AuthorLink(models.Model):
    """Two authors someone of the brand said are one customer (say their X account and their Facebook name).

    Stored once per pair, the lower author id first; the author card shows the person across both."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="author_links")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "author", "other"], name="author_link_once"),
            models.CheckConstraint(condition=Q(author__lt=F("other")), name="author_link_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.author_id} = {self.other_id}"


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending (waiting on customer)")
    RESOLVED = "resolved", _("Resolved")
    SNOOZED = "snoozed", _("Snoozed")
    SPAM = "spam", _("Spam")


# Statuses that still ask something of the team: the default queue.
OPEN_WORK = ["new", "open"]
# Statuses whose wait is over: they show how it ended, never a due time.
CLOSED = ["resolved", "spam"]


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    # A language we have no lexicon for: said openly instead of passing it off as neutral.
    UNKNOWN = "unknown", _("Not scored (language)")


class Conversation(models.Model):
    """One customer's exchange with the brand in one place: their posts in an X conversation, their comments
    under a Facebook post, a visitor post, a DM thread. Others' messages in the same place are context."""

    # No single-column indexes where a composite one starts with the column (conv_queue_newest,
    # conversation_unique_per_thread, conv_assignee_status): each index is written on every ingest update.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="conversations", db_index=False)
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="conversations", db_index=False)
    # The platform's thread: X conversation_id, Facebook post or comment id, DM partner id, feed entry id.
    thread_key = models.CharField(max_length=500)
    # Whose exchange in that place it is: the customer's platform id in a public place (each customer
    # commenting under one post has a conversation of their own); empty for a DM thread (one partner by
    # construction) and for the brand's own post, which is context and never work.
    customer_key = models.CharField(max_length=500, blank=True, default="", db_default="")
    # Found where nobody can answer it (an alert-feed article, a webhook source without a reply route):
    # the team reviews it; it runs no first-response clock.
    to_review = models.BooleanField(default=False, db_default=False)
    visibility = models.CharField(max_length=8, choices=Visibility.choices)
    author = models.ForeignKey(Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations")
    subject = models.CharField(max_length=300, blank=True, help_text="A short line for the queue.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned",
        db_index=False,
    )
    team = models.ForeignKey(
        "brands.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    tags = models.ManyToManyField("inbox.Tag", through="inbox.ConversationTag", related_name="conversations")
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
    # The words of its messages and their authors, folded (inbox.search); the database adds them on insert.
    search_document = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "thread_key", "customer_key"], name="conversation_unique_per_customer"
            ),
        ]
        indexes = [
            # The default queue: brand's open work, most urgent first, keyset on (due, id). The assignee too, so
            # the counts per status, assignee and SLA state read this index alone.
            models.Index(
                fields=["brand", "status", "response_due_at", "id"], include=["assignee"], name="conv_queue_due"
            ),
            models.Index(fields=["brand", "last_message_at", "id"], name="conv_queue_newest"),
            models.Index(fields=["assignee", "status"], name="conv_assignee_status"),
            # Open work across all of a person's brands, most urgent or newest first (keyset).
            models.Index(urgency_key(), "id", name="conv_open_work_due", condition=Q(status__in=OPEN_WORK)),
            models.Index(
                fields=["-last_message_at", "-id"], name="conv_open_work_newest", condition=Q(status__in=OPEN_WORK)
            ),
            models.Index(
                F("priority").desc(),
                urgency_key(),
                "id",
                name="conv_open_work_priority",
                condition=Q(status__in=OPEN_WORK),
            ),
            # Every other status (resolved, pending, snoozed, spam), most urgent first, and every status newest
            # first: the queue's other views walk these instead of sorting a brand's whole history.
            models.Index(urgency_key(), "id", name="conv_other_status_due", condition=~Q(status__in=OPEN_WORK)),
            models.Index(fields=["-last_message_at", "-id"], name="conv_newest"),
            # Search: in the open work the queue shows by default (a fifth of the table), and in everything.
            GinIndex(fields=["search_document"], name="conv_open_work_search", condition=Q(status__in=OPEN_WORK)),
            GinIndex(fields=["search_document"], name="conv_search"),
        ]

    def __str__(self) -> str:
        customer = f" · {self.customer_key}" if self.customer_key else ""
        return f"{self.account} · {self.thread_key}{customer}"


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NOTE = "note", _("Note (not sendable)")


class Message(models.Model):
    """One post, comment, DM or feed entry, inbound from a customer or outbound from the brand."""

    # Indexed by msg_thread_order and message_unique_per_account, which start with these columns.
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False)
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="messages", db_index=False)
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
    # When delivery first went to the platform: reconciling takes nothing older for this reply.
    first_attempted_at = models.DateTimeField(null=True, blank=True)
    # Until when the worker delivering it (or waiting to retry) has it; past that the sweep redelivers it.
    delivery_lease_until = models.DateTimeField(null=True, blank=True)
    # What the brand did to this post on its platform from Promptly (inbox.services.moderation).
    hidden_on_platform = models.BooleanField(default=False, db_default=False)
    liked_on_platform = models.BooleanField(default=False, db_default=False)
    deleted_on_platform_at = models.DateTimeField(null=True, blank=True)
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
            # The last hour's arrivals for listening health: rows arrive in received_at order, so a BRIN
            # index finds them at almost no cost to ingest.
            BrinIndex(fields=["received_at"], name="msg_received_brin"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.external_id or '(unsent)'}"


class QuarantinedItem(models.Model):
    """A fetched item we could not parse: kept with its raw payload and the reason, re-processable."""

    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="quarantine")
    stream = models.CharField(max_length=32)
    raw = models.TextField()
    reason = models.TextField()
    # "id:" and the platform's id of the item, or "sha256:" and the digest of its raw payload when it has
    # none: an item polled twice, or reached by polling and by a webhook, is kept once.
    item_key = models.CharField(max_length=520)
    created_at = models.DateTimeField(auto_now_add=True)
    reprocessed_at = models.DateTimeField(null=True, blank=True)
    # Kept (not deleted) so the same broken item polled again stays out of the list.
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["account", "item_key"], name="quarantine_once_per_item")]

    def __str__(self) -> str:
        return f"{self.account} / {self.stream}: {self.reason[:60]}"


class Tag(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="tag_unique_per_brand")]

    def __str__(self) -> str:
        return self.name


class ConversationTag(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="tag_links")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="conversation_links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "tag"], name="conversation_tag_once")]
        indexes = [models.Index(fields=["tag", "conversation"], name="conversation_tag_by_tag")]

    def __str__(self) -> str:
        return f"conversation {self.conversation_id} tag {self.tag_id}"


class InternalNote(models.Model):
    """A note agents leave each other on a conversation; never sent to the customer."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on conversation {self.conversation_id}"


class EventKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    TAGGED = "tagged", _("Tag added")
    UNTAGGED = "untagged", _("Tag removed")
    NOTE = "note", _("Note added")
    MODERATED = "moderated", _("Moderated on the platform")


class ConversationEvent(models.Model):
    """History: who did what to a conversation and when (actor null = the system, e.g. round-robin)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    # Before/after values in words the history can show, e.g. {"from": "new", "to": "resolved"}.
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "created_at", "id"], name="event_history_order")]

    def __str__(self) -> str:
        return f"{self.kind} on conversation {self.conversation_id}"


class InboxSettings(models.Model):
    """Per-brand workflow settings: automatic round-robin of new conversations and its per-agent cap."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="inbox_settings")
    round_robin = models.BooleanField(default=False)
    max_open_per_agent = models.PositiveSmallIntegerField(default=20)
    # Who round-robin may pick; nobody listed means every member not in training.
    eligible = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    # The least role that may hide, delete or like customers' posts on the platforms.
    moderation_role = models.CharField(max_length=10, choices=Role.choices, default=Role.AGENT, db_default=Role.AGENT)

    def __str__(self) -> str:
        return f"inbox settings of brand {self.brand_id}"


class AgentAvailability(models.Model):
    """Whether a person is on shift (they say so) and when their inbox was last seen open (online)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability")
    on_shift = models.BooleanField(default=False)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Round-robin fairness: the person who got a conversation longest ago goes next.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"availability of user {self.user_id}"


class NotificationKind(models.TextChoices):
    """What an agent is told about their own work, in the page and by the browser."""

    ASSIGNED = "assigned", "A conversation was assigned to me"
    AT_RISK = "at_risk", "A conversation of mine is about to breach"
    REPLY_FAILED = "reply_failed", "A reply of mine failed"


class NotificationMute(models.Model):
    """A kind of notification a person turned off (every kind is on until they do)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_mute_once")]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.kind}"


class BulkJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkJob(models.Model):
    """One bulk action over many conversations, run by a worker; results kept per conversation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bulk_jobs")
    action = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    conversation_ids = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=BulkJobStatus.choices, default=BulkJobStatus.QUEUED)
    # {conversation_id: {"ok": bool, "detail": str}} for every item done so far.
    results = models.JSONField(default=dict)
    # Why a failed job stopped (an item its action did not expect); the items before it keep their results.
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.action} on {len(self.conversation_ids)} conversations"

    @property
    def done_count(self) -> int:
        return len(self.results)
