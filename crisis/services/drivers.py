"""What drives a spike: its window's top terms and authors and example mentions, against a week before."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count

from inbox.models import Direction, Message, Sentiment
from monitoring.queries.text import tokens

SAMPLE_MESSAGES = 500
TOP = 8
EXAMPLES = 5
EXCERPT_CHARS = 280
# Words too common to say anything about a storm (en, es, ru, lt); the rest must appear 3 times.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "with",
        "you",
        "your",
        "y",
        "el",
        "la",
        "los",
        "las",
        "de",
        "que",
        "en",
        "un",
        "una",
        "es",
        "por",
        "con",
        "para",
        "ne",
        "ir",
        "kad",
        "tai",
        "yra",
    ]
)


def _terms(texts: list[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for text in texts:
        # Handles are left to the top authors and examples: the brand's own @handle is in every mention.
        found.update({token for token in tokens(text) if len(token) > 2 and token[0] != "@" and token not in STOPWORDS})
    return found


def _window(brand_id: int, start: datetime, end: datetime) -> Any:
    return Message.objects.filter(
        conversation__brand_id=brand_id, direction=Direction.INBOUND, platform_time__gte=start, platform_time__lt=end
    )


def drivers(*, brand_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Bounded: at most SAMPLE_MESSAGES messages of the window and as many of the same window a week earlier."""
    now_texts = list(
        _window(brand_id, start, end).order_by("-platform_time").values_list("text", flat=True)[:SAMPLE_MESSAGES]
    )
    week = timedelta(weeks=1)
    before_texts = list(
        _window(brand_id, start - week, end - week)
        .order_by("-platform_time")
        .values_list("text", flat=True)[:SAMPLE_MESSAGES]
    )
    now_terms, before_terms = _terms(now_texts), _terms(before_texts)
    terms = [
        {"term": term, "count": count, "week_before": before_terms.get(term, 0)}
        for term, count in sorted(
            now_terms.items(), key=lambda item: (item[1] - before_terms.get(item[0], 0), item[1]), reverse=True
        )
        if count >= 3
    ][:TOP]
    authors = [
        {"author": row["author__handle"] or row["author__name"] or "?", "count": row["n"]}
        for row in _window(brand_id, start, end)
        .filter(author__isnull=False)
        .values("author__handle", "author__name")
        .annotate(n=Count("pk"))
        .order_by("-n")[:TOP]
    ]
    examples = [
        {"message_id": pk, "conversation_id": conversation, "text": " ".join(text.split())[:EXCERPT_CHARS]}
        for pk, conversation, text in _window(brand_id, start, end)
        .order_by("-platform_time")
        .filter(sentiment=Sentiment.NEGATIVE)
        .values_list("pk", "conversation_id", "text")[:EXAMPLES]
    ]
    return {
        "window": [start.isoformat(), end.isoformat()],
        "mentions": len(now_texts),
        "mentions_week_before": len(before_texts),
        "terms": terms,
        "authors": authors,
        "examples": examples,
    }
