"""Lexicon-and-rules sentiment for short social posts (negation, intensifiers, contrast, emoji, complaints).

A post is scored only in a language with a lexicon (lexicons/); anything else is `unknown`, so a
Lithuanian complaint is never passed off as a neutral remark because we could not read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inbox.enrichment.lexicons import LEXICONS
from inbox.enrichment.lexicons.base import CLAUSE_END, CompiledLexicon, Role, fold

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"
UNKNOWN = "unknown"

# Scores beyond these are a clear lean; between them the post is neutral.
POSITIVE_THRESHOLD = 0.5
NEGATIVE_THRESHOLD = -0.5
# Words after a negator (within this many tokens) flip; "not bad" is weaker praise than "good".
NEGATION_SPAN = 3
NEGATED_POSITIVE = -0.8
NEGATED_NEGATIVE = -0.4
INTENSIFIER_BOOST = 1.6
# "It came late, but the staff were lovely": what follows "but" is what the writer means.
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5
COMPLAINT_POINTS = -2.5

EMOJI_SCORES = {
    "😡": -2.0,
    "😠": -2.0,
    "🤬": -2.5,
    "👎": -2.0,
    "😞": -1.5,
    "😢": -1.5,
    "😭": -1.5,
    "💔": -1.5,
    "😤": -1.5,
    "🙄": -1.0,
    "😒": -1.0,
    "🤮": -2.0,
    "😩": -1.5,
    "😫": -1.5,
    "☹": -1.5,
    "🙁": -1.0,
    "😍": 2.0,
    "❤": 1.5,
    "😊": 1.5,
    "👍": 1.5,
    "🙏": 1.0,
    "🎉": 1.5,
    "🥰": 2.0,
    "😀": 1.0,
    "😃": 1.5,
    "😁": 1.5,
    "💯": 1.5,
    "👏": 1.5,
    "🔥": 1.0,
    "🤩": 2.0,
    "💖": 1.5,
    "😋": 1.5,
    "🙂": 1.0,
    "♥": 1.5,
    "💕": 1.5,
    "👌": 1.0,
    "✨": 0.5,
}
# Every symbol above is one code point, so the symbols a post holds are one set intersection away.
_EMOJI_SYMBOLS = frozenset(EMOJI_SCORES)
EMOTICONS = re.compile(r"(?<!\w)(:-?\)+|:-?D\b|<3|:-?\(+|:'\(|:-?/(?!/))")
EMOTICON_SCORES = {")": 1.0, "D": 1.5, "3": 1.5, "(": -1.0, "/": -0.5}

# Words, and the punctuation that ends a clause: negation and intensity never cross it.
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|[" + re.escape("".join(sorted(CLAUSE_END))) + "]")


@dataclass(frozen=True)
class Reading:
    sentiment: str
    signals: frozenset[str]
    score: float


def _emoji_score(text: str) -> float:
    # Each emoji counts once, however often it is repeated.
    score = 0.0 if text.isascii() else sum(EMOJI_SCORES[symbol] for symbol in _EMOJI_SYMBOLS.intersection(text))
    if ":" not in text and "<" not in text:
        return score  # every emoticon holds one of them, and most posts neither
    for match in EMOTICONS.finditer(text):
        # Its last character says which face it is: ":-)))" and ":)" smile alike.
        score += EMOTICON_SCORES[match.group(0)[-1]]
    return score


def _word_score(tokens: list[str], lexicon: CompiledLexicon) -> float:
    score = 0.0
    negation_left = 0
    boost = 1.0
    for token in tokens:
        role, value = lexicon.role(token)
        if role is Role.CLAUSE_END:
            negation_left = 0
            boost = 1.0
            continue
        if role is Role.NEGATOR:
            negation_left = NEGATION_SPAN
            continue
        if role is Role.INTENSIFIER:
            boost = INTENSIFIER_BOOST
            continue
        if role is Role.CONTRAST:
            score *= BEFORE_CONTRAST
            boost = AFTER_CONTRAST
            continue
        if value == 0.0:
            negation_left = max(0, negation_left - 1)
            continue
        if negation_left:
            value *= NEGATED_POSITIVE if value > 0 else NEGATED_NEGATIVE
        score += value * boost
        negation_left = 0
        boost = 1.0
    return score


def analyse(text: str, language: str) -> Reading:
    """Sentiment and priority signals of a post written in `language` (ISO 639-1, '' when unknown)."""
    lexicon = LEXICONS.get(language)
    emoji = _emoji_score(text)
    if lexicon is None:
        # Emoji speak every language: an undetermined post made of them is still readable.
        if language == "" and emoji:
            return _reading(emoji, frozenset({"question"}) if "?" in text else frozenset())
        return Reading(UNKNOWN, frozenset({"question"}) if "?" in text else frozenset(), 0.0)
    folded = fold(text)
    tokens = _TOKEN.findall(folded)
    signals: set[str] = set()
    score = _word_score(tokens, lexicon) + emoji
    if lexicon.complaint.search(folded):
        score += COMPLAINT_POINTS
        signals.add("complaint")
    if "?" in text or (tokens and tokens[0] in lexicon.question_openers):
        signals.add("question")
    if lexicon.urgent.intersection(tokens):
        signals.add("urgent")
    return _reading(score, frozenset(signals))


def _reading(score: float, signals: frozenset[str]) -> Reading:
    if score >= POSITIVE_THRESHOLD:
        sentiment = POSITIVE
    elif score <= NEGATIVE_THRESHOLD:
        sentiment = NEGATIVE
        signals = signals | {"negative"}
    else:
        sentiment = NEUTRAL
    return Reading(sentiment, signals, score)
