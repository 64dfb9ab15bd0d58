"""The dashboard at a glance: each figure judged against the brand's first-response target.

A pure function of the summary and the target, so the colours follow one rule and a test can state it:

- times (median and p90 first response): good within the at-risk share of the target, a warning up to the
  target, bad beyond it;
- the share answered within target: good from GOAL_SHARE, a warning from WARN_SHARE, bad below;
- breaches: good at none, a warning while they stay under BREACH_WARN_SHARE of the decided ones, bad above.

A figure with nothing to judge (no answers yet) is neutral.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from inbox.sla.charts import minutes

GOAL_SHARE = 0.9
WARN_SHARE = 0.75
BREACH_WARN_SHARE = 0.1
AT_RISK_SHARE = 0.75  # of the target: where a time figure stops being comfortably good


@dataclass(frozen=True)
class Judgement:
    state: str  # "good", "warn", "bad" or "neutral": the CSS class of the figure
    target: str  # the target it was judged against, for people


def _time(seconds: float | None, target_seconds: float) -> str:
    if seconds is None:
        return "neutral"
    if seconds <= target_seconds * AT_RISK_SHARE:
        return "good"
    return "warn" if seconds <= target_seconds else "bad"


def _share(share: float | None) -> str:
    if share is None:
        return "neutral"
    if share >= GOAL_SHARE:
        return "good"
    return "warn" if share >= WARN_SHARE else "bad"


def _breaches(breaches: int, decided: int) -> str:
    if not breaches:
        return "good" if decided else "neutral"
    return "warn" if decided and breaches / decided < BREACH_WARN_SHARE else "bad"


def judge(summary: Mapping[str, Any], *, target_minutes: int) -> dict[str, Judgement]:
    """The judgement of each figure the dashboard colours, by the figure's name in the summary."""
    target = minutes(target_minutes * 60)
    target_seconds = target_minutes * 60
    within = _("target {share:.0f}% within {target}").format(share=GOAL_SHARE * 100, target=target)
    return {
        "within_target_share": Judgement(_share(summary.get("within_target_share")), within),
        "median_first_seconds": Judgement(
            _time(summary.get("median_first_seconds"), target_seconds), _("target {target}").format(target=target)
        ),
        "p90_first_seconds": Judgement(
            _time(summary.get("p90_first_seconds"), target_seconds), _("target {target}").format(target=target)
        ),
        "breaches": Judgement(
            _breaches(summary.get("breaches") or 0, summary.get("decided") or 0),
            # xgettext:no-python-format
            _("target none; fewer than {share:.0f}% of decided").format(share=BREACH_WARN_SHARE * 100),
        ),
    }
