"""Storage of the sandbox platform: its own X users, tweets, DMs, Facebook Pages, alert feeds, faults.

Nothing here belongs to Promptly's inbox: the sandbox plays the platforms the connectors talk to.
Its credentials are throw-away test values, so they are stored as the platform would hand them out.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class XUser(models.Model):
    """An X account: the brand's own (with API credentials) or a customer's."""

    id = models.BigAutoField(primary_key=True)
    username = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    followers_count = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)
    location = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Lookups of a suspended user answer with a partial error instead of the user, as X does.
    suspended = models.BooleanField(default=False)
    bearer_token = models.CharField(max_length=120, blank=True, db_index=True)
    consumer_key = models.CharField(max_length=60, blank=True, db_index=True)
    consumer_secret = models.CharField(max_length=80, blank=True)
    access_token = models.CharField(max_length=80, blank=True)
    access_token_secret = models.CharField(max_length=80, blank=True)

    def __str__(self) -> str:
        return f"@{self.username}"


class Tweet(models.Model):
    # Ids grow with time (the migration starts the sequence at snowflake-sized values) so since_id works.
    id = models.BigAutoField(primary_key=True)
    author = models.ForeignKey(XUser, on_delete=models.CASCADE, related_name="tweets")
    text = models.TextField()
    lang = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=timezone.now)
    # Null on a conversation's first post: its conversation id is its own id.
    root_id = models.BigIntegerField(null=True, blank=True)
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    in_reply_to_user = models.ForeignKey(XUser, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    retweet_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mentioned_user_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # Hidden by the author of the conversation's first post (PUT /2/tweets/:id/hidden).
    reply_hidden = models.BooleanField(default=False)

    class Meta:
        indexes = [GinIndex(fields=["mentioned_user_ids"], name="sandbox_tweet_mentions")]

    def __str__(self) -> str:
        return f"tweet {self.id}"

    @property
    def conversation_id(self) -> int:
        return self.root_id or self.id


class DirectMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    sender = models.ForeignKey(XUser, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(XUser, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    lang = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"DM {self.id}"

    @property
    def dm_conversation_id(self) -> str:
        low, high = sorted([self.sender_id, self.recipient_id])
        return f"{low}-{high}"


class FacebookPage(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)
    username = models.SlugField(max_length=50, unique=True)
    page_token = models.CharField(max_length=200, unique=True)
    app_secret = models.CharField(max_length=64)
    verify_token = models.CharField(max_length=64)
    # Where Page webhook events are pushed (Promptly's /webhooks/facebook/); empty: nowhere.
    webhook_url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class FacebookUser(models.Model):
    """A person as a Page sees them (the page-scoped id is this row's id)."""

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class FacebookPost(models.Model):
    id = models.BigAutoField(primary_key=True)
    page = models.ForeignKey(FacebookPage, on_delete=models.CASCADE, related_name="posts")
    # A visitor's post on the Page; None: the Page posted it.
    author = models.ForeignKey(FacebookUser, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    created_time = models.DateTimeField(default=timezone.now)
    # Pages tagged in the post (@-mentioned): each sees it on its `tagged` edge and hears a `mention` webhook.
    tagged_pages = models.ManyToManyField(FacebookPage, related_name="tagged_in", blank=True)

    def __str__(self) -> str:
        return self.graph_id

    @property
    def graph_id(self) -> str:
        return f"{self.page_id}_{self.id}"


class FacebookComment(models.Model):
    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey(FacebookPost, on_delete=models.CASCADE, related_name="comments")
    # Facebook threads one level deep: a reply's parent is a top-level comment.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(FacebookUser, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Without an author a Page wrote it: this one, or (None) the Page the post is on.
    by_page = models.ForeignKey(FacebookPage, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField()
    created_time = models.DateTimeField(default=timezone.now)
    # The Graph API leaves `from` out of many comments (privacy); the sandbox does so for these.
    hide_author = models.BooleanField(default=False)
    # Moderation by the Page: hidden from everyone but its author and their friends; liked by the Page.
    is_hidden = models.BooleanField(default=False)
    liked_by_page = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.graph_id

    @property
    def graph_id(self) -> str:
        return f"{self.post_id}_{self.id}"

    @property
    def from_page(self) -> bool:
        return self.author_id is None


class FacebookConversation(models.Model):
    id = models.BigAutoField(primary_key=True)
    page = models.ForeignKey(FacebookPage, on_delete=models.CASCADE, related_name="conversations")
    user = models.ForeignKey(FacebookUser, on_delete=models.CASCADE, related_name="+")
    updated_time = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "user"], name="sandbox_one_conversation_per_user")]

    def __str__(self) -> str:
        return self.graph_id

    @property
    def graph_id(self) -> str:
        return f"t_{self.id}"


class FacebookMessage(models.Model):
    id = models.BigAutoField(primary_key=True)
    conversation = models.ForeignKey(FacebookConversation, on_delete=models.CASCADE, related_name="messages")
    from_page = models.BooleanField(default=False)
    text = models.TextField()
    created_time = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.graph_id

    @property
    def graph_id(self) -> str:
        return f"m_{self.id}"


class ModerationCall(models.Model):
    """Every moderation request the sandbox carried out, so tests and people can see what reached it."""

    platform = models.CharField(max_length=16)
    action = models.CharField(max_length=16)
    object_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.platform} {self.action} {self.object_id}"


class AlertFeed(models.Model):
    """An alerts feed like Google Alerts: articles that name a term."""

    slug = models.SlugField(max_length=50, unique=True)
    term = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.slug


class FeedEntry(models.Model):
    id = models.BigAutoField(primary_key=True)
    feed = models.ForeignKey(AlertFeed, on_delete=models.CASCADE, related_name="entries")
    title_html = models.CharField(max_length=500)
    summary_html = models.TextField()
    article_url = models.URLField(max_length=1000)
    published = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.article_url


class FaultSettings(models.Model):
    """The one row of injected-fault rates; each read request draws its number from `requests_seen`."""

    rate_500 = models.FloatField(default=0.0)
    rate_429 = models.FloatField(default=0.0)
    rate_timeout = models.FloatField(default=0.0)
    rate_malformed = models.FloatField(default=0.0)
    rate_duplicate = models.FloatField(default=0.0)
    seed = models.BigIntegerField(default=0)
    slow_seconds = models.FloatField(default=5.0)
    reset_seconds = models.PositiveIntegerField(default=30)
    requests_seen = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"faults (seed {self.seed})"


class InjectedFault(models.Model):
    """A record of every fault the sandbox injected, so tests can count exactly what they got."""

    class Kind(models.TextChoices):
        SERVER_ERROR = "500"
        RATE_LIMIT = "429"
        TIMEOUT = "timeout"
        MALFORMED = "malformed"
        DUPLICATE = "duplicate"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    path = models.CharField(max_length=500)
    request_number = models.BigIntegerField()
    item_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} at request {self.request_number}"
