"""Measured accuracy of enrichment on the labelled evaluation set (eval/posts.jsonl), per language."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from inbox.enrichment import enrich

EVALUATION_SET = Path(__file__).parent / "eval" / "posts.jsonl"
ALL = "all"


@dataclass(frozen=True)
class LabelledPost:
    text: str
    language: str
    sentiment: str


@dataclass
class Scores:
    posts: int = 0
    language_correct: int = 0
    sentiment_correct: int = 0

    @property
    def language_accuracy(self) -> float:
        return self.language_correct / self.posts if self.posts else 0.0

    @property
    def sentiment_accuracy(self) -> float:
        return self.sentiment_correct / self.posts if self.posts else 0.0


def load(path: Path = EVALUATION_SET) -> list[LabelledPost]:
    with path.open(encoding="utf-8") as lines:
        return [LabelledPost(**json.loads(line)) for line in lines if line.strip()]


def evaluate(posts: Iterable[LabelledPost]) -> dict[str, Scores]:
    """Scores by labelled language, plus ALL; the detector sees no platform hint here."""
    scores: dict[str, Scores] = {ALL: Scores()}
    for post in posts:
        reading = enrich(post.text)
        for key in (post.language, ALL):
            bucket = scores.setdefault(key, Scores())
            bucket.posts += 1
            bucket.language_correct += reading.language == post.language
            bucket.sentiment_correct += reading.sentiment == post.sentiment
    return scores


def table(scores: dict[str, Scores]) -> str:
    lines = ["| language | posts | language detection | sentiment |", "| --- | ---: | ---: | ---: |"]
    for key in sorted(scores, key=lambda key: (key == ALL, key)):
        bucket = scores[key]
        lines.append(f"| {key} | {bucket.posts} | {bucket.language_accuracy:.1%} | {bucket.sentiment_accuracy:.1%} |")
    return "\n".join(lines)
