"""SLA data: policies per brand (narrowed by channel or priority), one clock per wait for an answer, warnings."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from brands.models import DEFAULT_FIRST_RESPONSE_MINUTES, Brand
from inbox.sla.clock import Coverage, Shift
from monitoring.models import ChannelAccount, Platform

DEFAULT_AT_RISK_PERCENT = 75


class Escalation(models.TextChoices):
    NONE = "none", _("Do not reassign")
    AT_RISK = "at_risk", _("Reassign when at risk")
    BREACHED = "breached", _("Reassign when breached")


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
    FIRST = "first", _("First response")
    NEXT = "next", _("Next response")


class Outcome(models.TextChoices):
    OPEN = "open", _("Waiting")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed without a reply")


class ResponseClock(models.Model):
    """One wait for an answer: from the first unanswered inbound message to the first reply a person sent.

    Times from our side (received_at of the message, when we stored the reply as sent) and from the platform's
    post time are both kept, in calendar and in business seconds; their difference is our listening delay.
    """

    # Indexed by sla_clock_conversation and sla_clock_brand_started, which start with these columns.
    conversation = models.ForeignKey(
        "inbox.Conversation", on_delete=models.CASCADE, related_name="sla_clocks", db_index=False
    )
    # Copied from the conversation so the dashboard aggregates one table.
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
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
            # Waiting clocks are always read live (backlog, unanswered, the open part of every figure).
            models.Index(fields=["brand", "started_at"], condition=Q(outcome="open"), name="sla_clock_open_started"),
            # The breach list, latest due first, without reading the month's answered clocks.
            models.Index(
                fields=["brand", "-due_at", "-id"],
                condition=Q(outcome="answered", stopped_at__gt=F("due_at")),
                name="sla_clock_answered_late",
            ),
            models.Index(fields=["conversation", "outcome"], name="sla_clock_conversation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} clock of conversation {self.conversation_id}"


class WarningKind(models.TextChoices):
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")


class SlaWarning(models.Model):
    """A warning fired for a clock; the unique pair makes it fire once however many workers run."""

    clock = models.ForeignKey(ResponseClock, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=8, choices=WarningKind.choices)
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clock", "kind"], name="sla_warning_once_per_clock")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · clock {self.clock_id}"


# A rollup cell's key for "every account", "every responder" or "every hour" (what GROUPING() marks in SQL).
ALL = -1


class SlaRollupDay(models.Model):
    """A brand's local day whose finished clocks are summed up in SlaRollupCell rows.

    Only finished clocks (answered or closed) are rolled up: they never change again. Waiting clocks, the
    current day and any day marked in SlaRollupChange are read live, so a rollup is used only while exact.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    time_zone = models.CharField(max_length=64, help_text="The audience time zone the day was cut in.")
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "day"], name="sla_rollup_one_per_day")]

    def __str__(self) -> str:
        return f"{self.brand_id} · {self.day}"


class SlaRollupCell(models.Model):
    """Finished clocks of one day, one account, one responder and one local hour, each of them or ALL.

    The cube of the three keys lets any filter (channel, agent, team) and any table (agents, channels,
    heatmap, trend) be summed from cells. Counts add up across cells; response times are kept as the sorted
    values themselves (packed 32-bit integers), because percentiles do not add up.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Which keys are ALL, as SQL's GROUPING(account, responder, hour) bits: 4 account, 2 responder, 1 hour.
    grouping = models.PositiveSmallIntegerField()
    account_key = models.BigIntegerField(help_text="Channel account id, or ALL.")
    responder_key = models.BigIntegerField(null=True, help_text="User id, ALL, or null (nobody answered).")
    hour = models.SmallIntegerField(help_text="Local hour 0-23 of the start, or ALL.")
    received = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()
    within_target = models.PositiveIntegerField()
    decided = models.PositiveIntegerField()
    next_received = models.PositiveIntegerField()
    next_answered = models.PositiveIntegerField()
    breaches = models.PositiveIntegerField()
    closed_unanswered = models.PositiveIntegerField()
    acknowledged = models.PositiveIntegerField()
    first_seconds = models.BinaryField(null=True)
    # The summary's other series, kept only in cells of every hour.
    first_calendar_seconds = models.BinaryField(null=True)
    first_platform_seconds = models.BinaryField(null=True)
    next_seconds = models.BinaryField(null=True)
    ack_seconds = models.BinaryField(null=True)
    listening_delay_seconds = models.BinaryField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "day", "account_key", "responder_key", "hour"],
                nulls_distinct=False,
                name="sla_rollup_cell_unique",
            ),
        ]
        # A view reads a few groupings of a month (e.g. every hour of every account and person): one range each.
        indexes = [models.Index(fields=["brand", "grouping", "day"], name="sla_rollup_cell_grouping")]

    def __str__(self) -> str:
        return f"{self.brand_id} · {self.day} · {self.account_key}/{self.responder_key}/{self.hour}"


class SlaRollupChange(models.Model):
    """A finished clock started in this UTC hour changed after its day may have been rolled up: read it live.

    PostgreSQL writes the marks (triggers on inbox_responseclock, migration 0010) in the transaction that
    inserts, answers, closes, changes or deletes a finished clock, ON CONFLICT DO NOTHING so replies never
    wait on each other; the refresh task removes them when it rebuilds the day.
    """

    # Not a foreign key: deleting a brand deletes its clocks first, and the marks the trigger writes for them
    # then would point at the deleted brand. The refresh task drops marks of brands that are gone.
    brand_id = models.BigIntegerField()
    hour = models.DateTimeField(help_text="UTC hour the finished clock started in.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand_id", "hour"], name="sla_rollup_change_unique")]

    def __str__(self) -> str:
        return f"{self.brand_id} · {self.hour:%Y-%m-%d %H}:00 UTC"
