"""Which SLA terms apply to a conversation: the most specific policy of its brand, or the brand's plain target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from brands.models import Brand
from inbox.sla.clock import Coverage, add_business_time
from inbox.sla.models import DEFAULT_AT_RISK_PERCENT, ClockKind, SlaPolicy


@dataclass(frozen=True)
class Terms:
    """Targets, coverage and at-risk share in force for one clock."""

    policy: SlaPolicy | None
    first_minutes: int
    next_minutes: int
    at_risk_percent: int
    coverage: Coverage
    automated_ack_stops_clock: bool

    def target(self, kind: str) -> int:
        return self.next_minutes if kind == ClockKind.NEXT else self.first_minutes

    def due(self, start: datetime, kind: str) -> datetime:
        return add_business_time(start, timedelta(minutes=self.target(kind)), self.coverage)

    def at_risk(self, start: datetime, kind: str) -> datetime:
        share = timedelta(minutes=self.target(kind)) * self.at_risk_percent / 100
        return add_business_time(start, share, self.coverage)


def choose_policy(policies: Iterable[SlaPolicy], *, brand_id: int, platform: str, priority: int) -> SlaPolicy | None:
    """The brand's policy matching channel and priority; a channel match outranks a priority match."""
    best: tuple[int, SlaPolicy] | None = None
    for policy in policies:
        if policy.brand_id != brand_id or policy.platform not in ("", platform):
            continue
        if policy.priority not in (None, priority):
            continue
        rank = (2 if policy.platform else 0) + (1 if policy.priority is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, policy)
    return best[1] if best else None


def terms_of(policy: SlaPolicy | None, brand: Brand) -> Terms:
    if policy is None:
        target = brand.first_response_target_minutes
        return Terms(None, target, target, DEFAULT_AT_RISK_PERCENT, Coverage(brand.audience_time_zone), False)
    return Terms(
        policy=policy,
        first_minutes=policy.first_response_minutes,
        next_minutes=policy.next_response_minutes,
        at_risk_percent=policy.at_risk_percent,
        coverage=policy.coverage(brand.audience_time_zone),
        automated_ack_stops_clock=policy.automated_ack_stops_clock,
    )


def terms_for(brand: Brand, *, platform: str, priority: int) -> Terms:
    policies = list(SlaPolicy.objects.filter(brand=brand))
    return terms_of(choose_policy(policies, brand_id=brand.pk, platform=platform, priority=priority), brand)
