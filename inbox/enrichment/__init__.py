"""Enrichment of one post: its language, its sentiment and the signals that raise its priority.

One small interface, `enrich(text, language_hint)`, so ingest, the evaluation and any future model
share it; a batch detects its languages together (`detect_languages`), then reads each post (`read`).
Sentiment is scored only in languages we have a lexicon for; any other language is reported as
`unknown`, never silently as neutral.
"""

from __future__ import annotations

from dataclasses import dataclass

from inbox.enrichment.language import detect_language, detect_languages
from inbox.enrichment.priority import priority_score
from inbox.enrichment.sentiment import UNKNOWN, analyse

__all__ = ["UNKNOWN", "Enrichment", "detect_languages", "enrich", "priority_score", "read"]


@dataclass(frozen=True)
class Enrichment:
    language: str  # ISO 639-1 code, "" when nobody could tell
    sentiment: str  # positive / neutral / negative, or unknown (language without a lexicon)
    priority_signals: frozenset[str]  # negative, complaint, question, urgent


def enrich(text: str, language_hint: str = "") -> Enrichment:
    return read(text, detect_language(text, language_hint))


def read(text: str, language: str) -> Enrichment:
    """Sentiment and priority signals of a post whose language is known ('' when nobody could tell)."""
    reading = analyse(text, language)
    return Enrichment(language=language, sentiment=reading.sentiment, priority_signals=reading.signals)
