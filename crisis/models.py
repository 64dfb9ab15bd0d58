"""Crisis: per-minute mention counts, the detector's state and spikes, incidents, playbooks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ALL_CHANNELS = 0  # MinuteCount.query_id of the brand's whole volume


class Sensitivity(models.TextChoices):
    LOW = "low", _("Low (fewer, larger spikes)")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High (earlier, more alerts)")


class CrisisSettings(models.Model):
    brand = models.OneToOneField("brands.Brand", on_delete=models.CASCADE, related_name="crisis_settings")
    sensitivity = models.CharField(max_length=8, choices=Sensitivity.choices, default=Sensitivity.NORMAL)

    def __str__(self) -> str:
        return f"crisis settings of brand {self.brand_id}"


class MinuteCount(models.Model):
    """Inbound mentions and negative ones per brand, monitored query (0: all channels) and minute of posting."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+", db_index=False)
    query_id = models.BigIntegerField(default=ALL_CHANNELS)
    minute = models.DateTimeField()
    mentions = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "minute", "query_id"], name="minute_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} brand {self.brand_id} query {self.query_id}: {self.mentions}"


class CountedBatch(models.Model):
    """An ingest batch already added to the minute counts (its first message id): counting twice is a no-op."""

    first_message_id = models.BigIntegerField(primary_key=True)
    counted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"batch from message {self.first_message_id}"


class DetectorState(models.Model):
    """What the live detector learned for a brand and scope: its baselines (daily) and levels (hourly)."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="+")
    query_id = models.BigIntegerField(default=ALL_CHANNELS)
    baselines = models.JSONField(default=dict)  # kind -> crisis.detection.Baseline.to_json()
    levels = models.JSONField(default=dict)  # kind -> float
    baseline_at = models.DateTimeField(null=True)
    level_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "query_id"], name="detector_state_unique")]

    def __str__(self) -> str:
        return f"detector of brand {self.brand_id} query {self.query_id}"


class Spike(models.Model):
    """One storm the detector saw: the alert it raised, updated while the storm grows, ended after the cool-down."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="spikes")
    kind = models.CharField(max_length=8)  # volume | negative
    query_id = models.BigIntegerField(default=ALL_CHANNELS)
    started_at = models.DateTimeField()
    detected_at = models.DateTimeField()
    window_minutes = models.PositiveSmallIntegerField()
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    peak_kind = models.CharField(max_length=8)
    peak_at = models.DateTimeField()
    peak_observed = models.PositiveIntegerField()
    peak_expected = models.FloatField()
    peak_window_minutes = models.PositiveSmallIntegerField()
    updates = models.PositiveIntegerField(default=0)
    scopes = models.JSONField(default=list)
    last_hot_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # What drives it: top terms, top authors, example messages, against the baseline.
    drivers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand"], condition=Q(ended_at__isnull=True), name="one_open_spike_per_brand"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} spike of brand {self.brand_id} at {self.detected_at:%Y-%m-%d %H:%M}"


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    DISMISSED = "dismissed", _("Dismissed")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="incidents")
    spike = models.ForeignKey(Spike, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    status = models.CharField(max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.PROPOSED)
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    summary = models.TextField(blank=True, max_length=5000)
    # The monitored-query language (monitoring.queries): conversations whose messages match it are linked.
    definition = models.CharField(max_length=500, blank=True)
    # The playbook version staff must acknowledge before replying; moves when a newer one is approved.
    playbook_version = models.ForeignKey(
        "PlaybookVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    language = models.CharField(max_length=8, default="en")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["brand", "status"], name="incident_brand_status")]

    def __str__(self) -> str:
        return self.title


class IncidentConversation(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="crisis_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "conversation"], name="incident_conversation_once"),
        ]
        indexes = [models.Index(fields=["conversation"], name="incident_link_by_conversation")]

    def __str__(self) -> str:
        return f"conversation {self.conversation_id} in incident {self.incident_id}"


class TimelineKind(models.TextChoices):
    ALERT = "alert", _("Alert")
    ALERT_UPDATED = "alert_updated", _("Alert updated (growing)")
    PROPOSED = "proposed", _("Proposed")
    DECLARED = "declared", _("Declared")
    STATUS = "status", _("Status changed")
    STATEMENT = "statement", _("Statement version issued")
    ACKNOWLEDGED = "acknowledged", _("Playbook acknowledged")
    REPLY = "reply", _("Reply sent")


class TimelineEntry(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=TimelineKind.choices)
    text = models.CharField(max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Playbook(models.Model):
    """The crisis plan of a brand in one language; its content lives in versions."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="playbooks")
    language = models.CharField(max_length=8, default="en")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "language"], name="playbook_per_brand_language")]

    def __str__(self) -> str:
        return f"playbook of brand {self.brand_id} ({self.language})"


class PlaybookVersion(models.Model):
    """One version of a playbook: key facts, contacts and steps, statements; approved before it is current."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    key_facts = models.TextField(blank=True, max_length=5000)
    escalation_contacts = models.TextField(blank=True, max_length=2000)
    steps = models.TextField(blank=True, max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["playbook", "-number"]
        constraints = [models.UniqueConstraint(fields=["playbook", "number"], name="playbook_version_number_once")]

    def __str__(self) -> str:
        return f"{self.playbook} v{self.number}"


class StatementKind(models.TextChoices):
    HOLDING = "holding", _("Holding statement")
    APOLOGY = "apology", _("Apology")
    UPDATE = "update", _("Update")
    RESOLUTION = "resolution", _("Resolution")


class Statement(models.Model):
    version = models.ForeignKey(PlaybookVersion, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=10, choices=StatementKind.choices)
    text = models.TextField(max_length=5000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "kind"], name="statement_kind_once_per_version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.version}"


class Acknowledgement(models.Model):
    """Who read which playbook version during an incident, before replying."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlaybookVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "user", "version"], name="acknowledged_once_per_version")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} acknowledged {self.version}"
