"""Folding and tokenising mention text the same way for queries and messages.

Matching is case- and accent-insensitive: NFKD, casefold, strip combining marks. One exception keeps
Cyrillic "й" apart from "и" (they are different letters, not an accent); Cyrillic "ё" still folds
to its base letter, which is how Russian is usually typed. Lithuanian ą č ę ė į š ų ū ž fold to their base letters.
"""

from __future__ import annotations

import re
import unicodedata

# A token is a run of letters/digits, optionally led by "#" (hashtag) or "@" (mention).
TOKEN_RE = re.compile(r"[#@]?\w+")
_BREVE = "\u0306"


def fold(text: str) -> str:
    """Case- and accent-free form of text, for comparison only (never shown)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and not (char == _BREVE and kept and kept[-1] == "и"):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def tokens(text: str) -> list[str]:
    """Folded tokens of text; hashtags and mentions keep their "#" / "@" prefix."""
    return TOKEN_RE.findall(fold(text))


def bare(token: str) -> str:
    return token.lstrip("#@")
