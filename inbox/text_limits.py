"""How long a reply may be on each channel, counted exactly as the platform counts it.

X counts a weighted length (twitter-text v3 rules: 280 units, most Latin and punctuation weigh 1,
CJK and other scripts 2, an emoji sequence 2, any URL 23, after NFC normalisation); we use the
twitter-text port itself rather than an imitation. Facebook counts characters: 8,000 in a comment,
2,000 in a Messenger message. Nothing is ever cut: callers show the count and refuse to send.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from twitter_text import parse_tweet

X_POST_LIMIT = 280
X_DM_LIMIT = 10_000
FACEBOOK_COMMENT_LIMIT = 8_000
FACEBOOK_MESSAGE_LIMIT = 2_000
NOTE_LIMIT = 10_000

# twitter-text's URL pattern is quadratic in the length of a dotted token, and the composer counts
# on every keystroke. Past this many characters we count one unit per character: only a post made
# of a few links each hundreds of characters long could still fit, and we refuse that rather than
# let one request spin for seconds.
X_PARSE_CAP = 1_000


@dataclass(frozen=True)
class TextCount:
    """A reply's length against its channel's limit, with the sentence the composer shows."""

    used: int
    limit: int
    unit: str
    rule: str = ""

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    @property
    def over(self) -> bool:
        return self.used > self.limit

    @property
    def message(self) -> str:
        if self.used == 0:
            return f"Up to {self.limit:,} {self.unit}."
        if self.over:
            rule = f" ({self.rule})" if self.rule else ""
            return (
                f"{self.used - self.limit:,} {self.unit} over the limit of {self.limit:,}{rule}. "
                "Shorten the reply; nothing is cut for you."
            )
        return f"{self.remaining:,} of {self.limit:,} {self.unit} left."


def normalize(text: str) -> str:
    """The text as platforms store it: NFC, with \\r\\n and \\r as \\n."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def x_weighted_length(text: str) -> int:
    """X's weighted length of a post (a text past X_PARSE_CAP characters: one unit per character)."""
    normalized = normalize(text)
    if len(normalized) > X_PARSE_CAP:
        return len(normalized)
    return int(parse_tweet(normalized).weightedLength)


def character_length(text: str) -> int:
    """Characters as Facebook counts them: Unicode code points after NFC."""
    return len(normalize(text))


def count_reply(text: str, *, platform: str, private: bool) -> TextCount:
    """The count for a reply on a platform (monitoring.models.Platform value), public or private."""
    if platform == "x" and not private:
        return TextCount(
            x_weighted_length(text), X_POST_LIMIT, "characters", "X counts links as 23, emoji and CJK as 2"
        )
    if platform == "x":
        return TextCount(character_length(text), X_DM_LIMIT, "characters")
    if platform == "facebook" and private:
        return TextCount(character_length(text), FACEBOOK_MESSAGE_LIMIT, "characters", "Messenger's limit")
    if platform == "facebook":
        return TextCount(character_length(text), FACEBOOK_COMMENT_LIMIT, "characters", "Facebook's comment limit")
    return TextCount(character_length(text), NOTE_LIMIT, "characters")
