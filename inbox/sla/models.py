"""SLA data: policies per brand (narrowed by channel or priority), one clock per wait for an answer, warnings."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from inbox.sla.clock import Coverage, Shift
from monitoring.models import DEFAULT_FIRST_RESPONSE_MINUTES, Brand, ChannelAccount, Platform

DEFAULT_AT_RISK_PERCENT = 75


class Escalation(models.TextChoices):
    NONE = "none", "Do not reassign"
    AT_RISK = "at_risk", "Reassign when at risk"
    BREACHED = "breached", "Reassign when breached"


class SlaPolicy(models.Model):
    """Response targets and coverage hours of a brand; a channel or priority narrows it (most specific wins)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="sla_policies")
    platform = models.CharField(
        max_length=16, choices=Platform.choices, blank=True, help_text="Only this channel (blank: every channel)."
    )
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Only conversations of this priority (blank: every priority)."
    )
    first_response_minutes = models.PositiveIntegerField(
        default=DEFAULT_FIRST_RESPONSE_MINUTES, validators=[MinValueValidator(1)]
    )
    next_response_minutes = models.PositiveIntegerField(
        default=DEFAULT_FIRST_RESPONSE_MINUTES,
        validators=[MinValueValidator(1)],
        help_text="Target when the customer writes again after a reply.",
    )
    # Weekly shifts as [weekday (0 = Monday), start minute, end minute]; empty means around the clock.
    shifts = models.JSONField(default=list, blank=True)
    holidays = ArrayField(models.DateField(), default=list, blank=True)
    at_risk_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_AT_RISK_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="Share of the target after which a waiting conversation is at risk.",
    )
    automated_ack_stops_clock = models.BooleanField(
        default=False, help_text="Count an automated acknowledgement as the response."
    )
    escalation = models.CharField(max_length=10, choices=Escalation.choices, default=Escalation.NONE)
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "platform", "priority"], nulls_distinct=False, name="sla_policy_unique_scope"
            ),
            models.CheckConstraint(
                condition=Q(at_risk_percent__gte=1, at_risk_percent__lte=99), name="sla_policy_at_risk_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        parts = [self.get_platform_display() if self.platform else "every channel"]
        parts.append(f"priority {self.priority}" if self.priority is not None else "every priority")
        return ", ".join(parts)

    @property
    def shift_list(self) -> tuple[Shift, ...]:
        return tuple(Shift(*row) for row in self.shifts)

    def coverage(self, time_zone: str) -> Coverage:
        """The policy's hours in the brand audience's time zone (passed in: the brand may not be loaded)."""
        holidays = frozenset(day if isinstance(day, date) else date.fromisoformat(day) for day in self.holidays)
        return Coverage(time_zone=time_zone, shifts=self.shift_list, holidays=holidays)


class ClockKind(models.TextChoices):
    FIRST = "first", "First response"
    NEXT = "next", "Next response"


class Outcome(models.TextChoices):
    OPEN = "open", "Waiting"
    ANSWERED = "answered", "Answered"
    CLOSED = "closed", "Closed without a reply"


class ResponseClock(models.Model):
    """One wait for an answer: from the first unanswered inbound message to the first reply a person sent.

    Times from our side (received_at of the message, when we stored the reply as sent) and from the platform's
    post time are both kept, in calendar and in business seconds; their difference is our listening delay.
    """

    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="sla_clocks")
    # Copied from the conversation so the dashboard aggregates one table.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=ClockKind.choices)
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start_message = models.ForeignKey(
        "inbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(help_text="When we received the message that started the wait.")
    platform_started_at = models.DateTimeField(help_text="When the platform says the customer posted it.")
    target_minutes = models.PositiveIntegerField()
    at_risk_at = models.DateTimeField()
    due_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OPEN)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_message = models.ForeignKey(
        "inbox.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_account = models.ForeignKey(
        ChannelAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Calendar, from received.")
    response_seconds_platform = models.PositiveIntegerField(null=True, blank=True)
    business_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Covered time, from received.")
    business_seconds_platform = models.PositiveIntegerField(null=True, blank=True)
    listening_delay_seconds = models.PositiveIntegerField(default=0)
    automated_ack_at = models.DateTimeField(null=True, blank=True)
    automated_ack_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation"], condition=Q(outcome="open"), name="sla_one_open_clock"),
        ]
        indexes = [
            # Covers the dashboard's window scans, so a month of a busy brand is read from the index alone.
            models.Index(
                fields=["brand", "started_at"],
                include=["kind", "outcome", "account", "responder", "business_seconds", "stopped_at", "due_at"],
                name="sla_clock_brand_started",
            ),
            models.Index(fields=["at_risk_at"], condition=Q(outcome="open"), name="sla_clock_open_at_risk"),
            models.Index(fields=["conversation", "outcome"], name="sla_clock_conversation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} clock of conversation {self.conversation_id}"


class WarningKind(models.TextChoices):
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class SlaWarning(models.Model):
    """A warning fired for a clock; the unique pair makes it fire once however many workers run."""

    clock = models.ForeignKey(ResponseClock, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=8, choices=WarningKind.choices)
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clock", "kind"], name="sla_warning_once_per_clock")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · clock {self.clock_id}"
