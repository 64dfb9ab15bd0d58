"""What shapes what the brand says: saved replies, pre-approved offers and their codes, reply approval."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.models import Brand


class Category(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    APOLOGY = "apology", _("Apology")
    ANSWER = "answer", _("Answer")
    OFFER = "offer", _("Offer")
    CRISIS = "crisis", _("Crisis")


class SavedReply(models.Model):
    """One language variant of a saved reply; the variants of one reply share its brand and title."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(max_length=120, help_text="What agents pick it by, e.g. 'Thanks for the feedback'.")
    text = models.TextField(
        max_length=8000,
        help_text="The reply; variables: {author_name} {handle} {brand} {agent_first_name} {offer_code} "
        "{offer_expires}.",
    )
    language = models.CharField(
        max_length=8, blank=True, help_text="ISO 639-1 code such as en or es; empty for any language."
    )
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.ANSWER)
    usage_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "saved replies"
        constraints = [
            models.UniqueConstraint(fields=["brand", "title", "language"], name="saved_reply_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class ResponseSettings(models.Model):
    """Per brand: the language saved replies fall back to, and which replies need a supervisor's approval."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="response_settings")
    default_language = models.CharField(
        max_length=8, blank=True, help_text="Used when a conversation's language has no variant, e.g. en."
    )
    trainees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="trained_for",
        help_text="People in training: every reply they write waits for a supervisor.",
    )
    negative_follower_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Replies to negative conversations from authors with at least this many followers need "
        "approval; empty: never.",
    )
    approval_words = models.TextField(
        blank=True, help_text="One word or phrase a line: a reply containing any of them needs approval."
    )
    crisis_free_text = models.BooleanField(
        default=True,
        verbose_name="Hold free text during a crisis",
        help_text="While an incident is active, a reply to one of its conversations that is not one of its "
        "approved statements waits for a supervisor; the statements go out at once.",
    )

    def __str__(self) -> str:
        return f"response settings of brand {self.brand_id}"

    @property
    def listed_words(self) -> list[str]:
        return [line.strip() for line in self.approval_words.splitlines() if line.strip()]


class Offer(models.Model):
    """A pre-approved goodwill gesture staff may give within limits: single-use codes or one shared code."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="offers")
    name = models.CharField(max_length=120)
    gives = models.CharField(max_length=300, blank=True, help_text="What the customer gets, e.g. '20% off a bag'.")
    shared_code = models.CharField(
        max_length=64, blank=True, help_text="One code for everybody; empty when the offer has a pool of codes."
    )
    message = models.TextField(
        max_length=1000,
        default="Here is your code: {offer_code}",
        help_text="The private message that carries the code; {offer_code} and {offer_expires} are filled in.",
    )
    expires_on = models.DateField(null=True, blank=True)
    per_agent_daily = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    per_customer = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    per_customer_window_days = models.PositiveIntegerField(default=30, validators=[MinValueValidator(1)])
    budget = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many times it may be given in all; empty: no cap but the codes."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="offer_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def single_use(self) -> bool:
        return not self.shared_code

    def clean(self) -> None:
        from responses.rendering import check_variables

        try:
            check_variables(self.message)
        except ValidationError as error:
            raise ValidationError({"message": error}) from error


class OfferCode(models.Model):
    """One single-use code of an offer's pool; given_at is set while a redemption holds it."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=64)
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "code"], name="offer_code_unique")]
        indexes = [
            models.Index(fields=["offer", "id"], name="offer_code_available", condition=Q(given_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.code


class RedemptionStatus(models.TextChoices):
    GIVEN = "given", _("Given")
    RETURNED = "returned", _("Returned (delivery failed)")


class Redemption(models.Model):
    """An offer given: which code, to whom, by whom, in which conversation and reply, when."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="redemptions")
    code = models.ForeignKey(OfferCode, null=True, blank=True, on_delete=models.PROTECT, related_name="redemptions")
    code_text = models.CharField(max_length=64)
    author = models.ForeignKey("inbox.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="redemptions")
    reply = models.ForeignKey("inbox.Message", null=True, on_delete=models.SET_NULL, related_name="+")
    # The message that carried the code (the private message, or the reply itself for a shared code).
    code_message = models.ForeignKey("inbox.Message", null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=RedemptionStatus.choices, default=RedemptionStatus.GIVEN)
    created_at = models.DateTimeField(auto_now_add=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["offer", "agent", "created_at"], name="redemption_by_agent"),
            models.Index(fields=["offer", "author", "created_at"], name="redemption_by_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} {self.code_text}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ReplyApproval(models.Model):
    """A reply held for a supervisor: what the agent wrote, why it waits, and the decision."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="reply_approvals")
    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="approvals")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=10_000)
    private = models.BooleanField(null=True, help_text="None: the conversation's own visibility.")
    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="approvals")
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # The composer's click: the reply sent on approval carries it, so approving twice posts once.
    idempotency_key = models.UUIDField(unique=True)
    reply = models.ForeignKey("inbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["brand", "created_at"], name="approval_pending", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"approval {self.pk} on conversation {self.conversation_id}"
