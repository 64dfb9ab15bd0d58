"""A priority score 0..100 from what a post says and who says it: most urgent work first."""

from __future__ import annotations

import math

SIGNAL_POINTS = {
    "negative": 30,
    "complaint": 20,
    "question": 20,
    "urgent": 10,
}
# A matched monitored query (keyword listening) means someone chose to care about these posts.
MATCHED_QUERY_POINTS = 15
# Reach: nothing below 1,000 followers, then 8 points per tenfold, at most 25.
INFLUENCE_FLOOR = 1_000
INFLUENCE_POINTS_PER_DECADE = 8
INFLUENCE_MAX = 25


def influence_points(followers: int | None) -> int:
    if not followers or followers < INFLUENCE_FLOOR:
        return 0
    decades = math.log10(followers / INFLUENCE_FLOOR) + 1
    return min(INFLUENCE_MAX, round(decades * INFLUENCE_POINTS_PER_DECADE))


def priority_score(signals: frozenset[str], *, followers: int | None = None, matched_query: bool = False) -> int:
    score = sum(SIGNAL_POINTS.get(signal, 0) for signal in signals)
    score += influence_points(followers)
    if matched_query:
        score += MATCHED_QUERY_POINTS
    return max(0, min(100, score))
