"""Which alert rules fire: conditions checked against new messages and against SLA warnings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from inbox.models import Conversation, Direction, Message, Sentiment
from monitoring.alerts.models import AlertRule, SlaKind
from monitoring.queries.models import MessageQueryMatch

EXAMPLES_KEPT = 20


@dataclass
class Hit:
    """A rule fired: why, and a bounded sample of what made it fire."""

    rule: AlertRule
    reason: str
    count: int = 1
    message_ids: list[int] = field(default_factory=list)
    conversation_ids: list[int] = field(default_factory=list)


def _rules(brand_id: int, *, sla: bool) -> list[AlertRule]:
    # A crisis-spike rule hears only from the crisis detector (crisis.services.detect); a listening-health rule
    # only from the listening check (monitoring.health).
    rules = AlertRule.objects.filter(
        brand_id=brand_id, enabled=True, crisis_spikes=False, listening_health=False
    ).prefetch_related("queries")
    return [rule for rule in rules if bool(rule.sla_kinds) == sla]


def _message_filter(rule: AlertRule) -> Q:
    """The rule's per-mention conditions as a filter on Message."""
    condition = Q(direction=Direction.INBOUND)
    query_ids = [query.pk for query in rule.queries.all()]
    if query_ids:
        condition &= Q(query_matches__query_id__in=query_ids)
    if rule.negative_sentiment:
        condition &= Q(sentiment=Sentiment.NEGATIVE)
    if rule.min_author_followers is not None:
        condition &= Q(author__followers_count__gte=rule.min_author_followers)
    return condition


def _describe(rule: AlertRule) -> str:
    parts = []
    names = [query.name for query in rule.queries.all()]
    if names:
        parts.append("matched " + " or ".join(f"“{name}”" for name in names))
    if rule.negative_sentiment:
        parts.append("negative")
    if rule.min_author_followers is not None:
        parts.append(f"author with {rule.min_author_followers}+ followers")
    return ", ".join(parts) or "new mention"


def hits_for_messages(*, brand_id: int, message_ids: Sequence[int]) -> list[Hit]:
    """Rules fired by newly ingested messages (their query matches must already be recorded)."""
    hits: list[Hit] = []
    for rule in _rules(brand_id, sla=False):
        passing = list(
            Message.objects.filter(_message_filter(rule), pk__in=message_ids)
            .distinct()
            .order_by("pk")
            .values_list("pk", "conversation_id")
        )
        if not passing:
            continue
        reason = _describe(rule)
        count = len(passing)
        if rule.spike_count:
            since = timezone.now() - timedelta(minutes=rule.spike_window_minutes)
            window = Message.objects.filter(
                _message_filter(rule), conversation__brand_id=brand_id, received_at__gte=since
            )
            count = window.distinct().count()
            if count < rule.spike_count:
                continue
            reason = f"volume spike: {count} mentions in {rule.spike_window_minutes} min ({reason})"
        hits.append(
            Hit(
                rule,
                reason,
                count if rule.spike_count else len(passing),
                [pk for pk, _ in passing][:EXAMPLES_KEPT],
                list(dict.fromkeys(conversation for _, conversation in passing))[:EXAMPLES_KEPT],
            )
        )
    return hits


def hits_for_sla_warning(*, brand_id: int, conversation_id: int, kind: str) -> list[Hit]:
    """Rules fired by an SLA warning; their mention conditions apply to the conversation."""
    conversation = Conversation.objects.select_related("author").get(pk=conversation_id)
    hits: list[Hit] = []
    for rule in _rules(brand_id, sla=True):
        if kind not in rule.sla_kinds:
            continue
        query_ids = [query.pk for query in rule.queries.all()]
        if (
            query_ids
            and not MessageQueryMatch.objects.filter(conversation=conversation, query_id__in=query_ids).exists()
        ):
            continue
        if rule.negative_sentiment and conversation.sentiment != Sentiment.NEGATIVE:
            continue
        followers = conversation.author.followers_count if conversation.author else None
        if rule.min_author_followers is not None and (followers or 0) < rule.min_author_followers:
            continue
        last = conversation.messages.filter(direction=Direction.INBOUND).order_by("-platform_time", "-pk").first()
        hits.append(Hit(rule, str(SlaKind(kind).label), 1, [last.pk] if last else [], [conversation.pk]))
    return hits
