"""Where a template shows a person words that no translation tag covers: text between tags, and the
attributes people read (placeholder, title, aria-label, alt, hx-confirm)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.template.base import DebugLexer, TokenType

# Template tags, variables and comments, and whatever blocktranslate or comment blocks hold, are masked
# with this character (one per source character, so positions still point into the source).
MASK = "\ue000"
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "hx-confirm"}
OPENING = {"blocktranslate", "blocktrans", "comment", "verbatim"}
CLOSING = {"endblocktranslate", "endblocktrans", "endcomment", "endverbatim"}
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Untranslated:
    line: int
    text: str
    start: int  # offset of the text in the template's source
    end: int


def masked(source: str) -> str:
    out = list(source)
    depth = 0
    in_class_block = False  # {% block main_class %}wide{% endblock %}: a CSS class, not words
    for token in DebugLexer(source).tokenize():
        assert token.position is not None  # DebugLexer gives every token its place
        start, end = token.position
        if token.token_type == TokenType.TEXT and depth == 0 and not in_class_block:
            continue
        if token.token_type == TokenType.BLOCK:
            words = token.contents.split()
            name = words[0] if words else ""
            depth += name in OPENING
            depth -= name in CLOSING
            if name == "block":
                in_class_block = len(words) > 1 and words[1].endswith("_class")
            elif name == "endblock":
                in_class_block = False
        out[start:end] = MASK * (end - start)
    return "".join(out)


class _Reader(HTMLParser):
    """Collects the text runs a person reads, with their offsets in the (masked) source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [i + 1 for i, char in enumerate(source) if char == "\n"]
        self.runs: list[tuple[int, str]] = []
        self.in_code = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.in_code += 1
        offset = self._offset()
        text = self.get_starttag_text() or ""
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                found = text.find(value)
                self.runs.append((offset + found if found >= 0 else offset, value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.in_code -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_code:
            self.runs.append((self._offset(), data))


def untranslated(source: str, allowed: frozenset[str] = frozenset()) -> Iterator[Untranslated]:
    """Each run of words between masks, tags and entities that has letters and is not in `allowed`."""
    hidden = masked(source)
    reader = _Reader(hidden)
    reader.feed(hidden)
    reader.close()
    for offset, run in reader.runs:
        for piece in re.finditer(rf"[^{MASK}]+", run):
            text = re.sub(r"&[#\w]+;", " ", piece.group()).strip()
            if LETTER.search(text) and text not in allowed:
                start = offset + piece.start()
                yield Untranslated(source.count("\n", 0, start) + 1, text, start, offset + piece.end())
