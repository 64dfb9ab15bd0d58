"""The shape of a sentiment lexicon and its compiled (folded, prefix-indexed) form."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field

# Prefix ("stem") entries shorter than this would match unrelated words.
MIN_STEM = 3
# Punctuation that ends a clause: negation and intensity never cross it.
CLAUSE_END = frozenset(".!?;,:")
# Roles remembered per lexicon; past this many distinct tokens the memory starts again, so a flood of
# one-off words (ids, misspellings, another language) cannot grow it without bound.
MAX_REMEMBERED_ROLES = 50_000


class Role(enum.Enum):
    """What a token does to the score, in the order sentiment.analyse asks: the first that applies wins."""

    CLAUSE_END = enum.auto()
    NEGATOR = enum.auto()
    INTENSIFIER = enum.auto()
    CONTRAST = enum.auto()
    WORD = enum.auto()  # scored by lookup(); 0.0 when unknown


@dataclass(frozen=True)
class Lexicon:
    """A language's words and rules as written by hand: `stems` match any word they begin."""

    words: dict[str, float]
    stems: dict[str, float]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    contrast: frozenset[str]
    question_openers: frozenset[str]
    urgent: frozenset[str]
    complaints: tuple[str, ...]  # regular expressions over the folded text
    negation_prefix: str = ""  # Lithuanian and Russian glue "ne"/"не" to verbs: nepatiko, неудобно


# Combining marks (all below U+20000), removed by one C-level str.translate pass, several times faster than a
# regular expression of the same characters.
_COMBINING = dict.fromkeys(code for code in range(0x20000) if unicodedata.combining(chr(code)))


def fold(text: str) -> str:
    """Lower case without diacritics: people type 'aciu' as often as 'ačiū', 'pesimo' as 'pésimo'."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return decomposed.translate(_COMBINING).replace("\u2019", "'")


def _fold_set(words: frozenset[str]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


@dataclass(frozen=True)
class CompiledLexicon:
    words: dict[str, float]
    stems: dict[str, float]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    contrast: frozenset[str]
    question_openers: frozenset[str]
    urgent: frozenset[str]
    complaint: re.Pattern[str]
    negation_prefix: str
    longest_stem: int = field(default=0)
    # The words of social posts repeat: a token's role is worked out once (a word's stem search is the
    # costly part of scoring a post) and remembered.
    _roles: dict[str, tuple[Role, float]] = field(default_factory=dict, compare=False, repr=False)

    def role(self, token: str) -> tuple[Role, float]:
        """The token's role and, for a word, its score."""
        known = self._roles.get(token)
        if known is None:
            if len(self._roles) >= MAX_REMEMBERED_ROLES:
                self._roles.clear()
            known = self._roles[token] = self._role(token)
        return known

    def _role(self, token: str) -> tuple[Role, float]:
        if token in CLAUSE_END:
            return Role.CLAUSE_END, 0.0
        if token in self.negators:
            return Role.NEGATOR, 0.0
        if token in self.intensifiers:
            return Role.INTENSIFIER, 0.0
        if token in self.contrast:
            return Role.CONTRAST, 0.0
        return Role.WORD, self.lookup(token)

    def lookup(self, token: str) -> float:
        """The token's score: exact word, else its longest known stem, else a negated stem; 0 if unknown."""
        value = self._plain(token)
        if value or not self.negation_prefix or not token.startswith(self.negation_prefix):
            return value
        rest = self._plain(token[len(self.negation_prefix) :])
        return rest * (-0.8 if rest > 0 else -0.4)

    def _plain(self, token: str) -> float:
        exact = self.words.get(token)
        if exact is not None:
            return exact
        for length in range(min(len(token), self.longest_stem), MIN_STEM - 1, -1):
            stem = self.stems.get(token[:length])
            if stem is not None:
                return stem
        return 0.0


def compile_lexicon(lexicon: Lexicon) -> CompiledLexicon:
    stems = {fold(stem): value for stem, value in lexicon.stems.items()}
    return CompiledLexicon(
        words={fold(word): value for word, value in lexicon.words.items()},
        stems=stems,
        negators=_fold_set(lexicon.negators),
        intensifiers=_fold_set(lexicon.intensifiers),
        contrast=_fold_set(lexicon.contrast),
        question_openers=_fold_set(lexicon.question_openers),
        urgent=_fold_set(lexicon.urgent),
        complaint=re.compile("|".join(f"(?:{fold(pattern)})" for pattern in lexicon.complaints)),
        negation_prefix=fold(lexicon.negation_prefix),
        longest_stem=max((len(stem) for stem in stems), default=0),
    )
