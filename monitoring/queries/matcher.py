"""Local matching of parsed queries against mention text (feeds, Facebook, webhooks, and X too).

A query word matches a whole token (word-boundary aware), case- and accent-insensitively (see
monitoring.queries.text). A plain word also matches the same word as a #hashtag or @mention; a
"#tag" or "@name" in the query matches only that hashtag or mention. A word that holds punctuation
("wi-fi") and a "phrase" match their tokens consecutively. In a phrase "#" and "@" are ignored.

Fields read what the message says about itself: `from:` its author's handle, `to:` the handles a reply
opens with (X starts a reply's text with them), `is:reply` that it answers a post, `is:retweet` that it
is a retweet (X serves one as "RT @name: …"), `has:links` a web link in its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from monitoring.queries.parser import And, Expression, Field, Not, ParsedQuery, Phrase, Word
from monitoring.queries.text import bare, tokens

LINK_RE = re.compile(r"\bhttps?://\S", re.IGNORECASE)
LEADING_HANDLES_RE = re.compile(r"^(?:\s*@(\w{1,50}))+")
HANDLE_IN_RUN_RE = re.compile(r"@(\w{1,50})")


@dataclass(frozen=True)
class Document:
    """A message prepared once for matching against every query of a brand."""

    exact: frozenset[str]  # tokens with their # / @ prefix
    words: frozenset[str]  # tokens without it
    sequence: str  # " tok1 tok2 … " without prefixes, for phrase search
    language: str
    channel: str
    author: str = ""  # handle, lower case
    is_reply: bool = False
    addressed: frozenset[str] = frozenset()  # handles a reply opens with, lower case
    is_retweet: bool = False
    has_links: bool = False

    @classmethod
    def of(
        cls, text: str, *, language: str = "", channel: str = "", author: str = "", in_reply_to: str = ""
    ) -> Document:
        found = tokens(text)
        plain = [bare(token) for token in found]
        leading = LEADING_HANDLES_RE.match(text)
        addressed = {name.lower() for name in HANDLE_IN_RUN_RE.findall(leading.group(0))} if leading else set()
        return cls(
            frozenset(found),
            frozenset(plain),
            f" {' '.join(plain)} ",
            language.lower(),
            channel,
            author=author.lstrip("@").lower(),
            is_reply=bool(in_reply_to),
            addressed=frozenset(addressed) if in_reply_to else frozenset(),
            is_retweet=text.startswith("RT @"),
            has_links=LINK_RE.search(text) is not None,
        )


Predicate = Callable[[Document], bool]


def _term(text: str) -> Predicate:
    found = tokens(text)
    if len(found) == 1 and found[0][0] in "#@":
        tag = found[0]
        return lambda document: tag in document.exact
    if len(found) == 1:
        word = found[0]
        return lambda document: word in document.words
    needle = f" {' '.join(bare(token) for token in found)} "
    return lambda document: needle in document.sequence


def _phrase(text: str) -> Predicate:
    needle = f" {' '.join(bare(token) for token in tokens(text))} "
    return lambda document: needle in document.sequence


def _field(field: Field) -> Predicate:
    if field.kind == "from":
        return lambda document: document.author == field.value
    if field.kind == "to":
        return lambda document: field.value in document.addressed
    flag = {"reply": "is_reply", "retweet": "is_retweet", "links": "has_links"}[field.value]
    return lambda document: bool(getattr(document, flag))


def _compile(expression: Expression) -> Predicate:
    if isinstance(expression, Field):
        return _field(expression)
    if isinstance(expression, Word):
        return _term(expression.text)
    if isinstance(expression, Phrase):
        return _phrase(expression.text)
    if isinstance(expression, Not):
        inner = _compile(expression.operand)
        return lambda document: not inner(document)
    parts = [_compile(child) for child in expression.children]
    if isinstance(expression, And):
        return lambda document: all(part(document) for part in parts)
    return lambda document: any(part(document) for part in parts)


def compile_matcher(query: ParsedQuery) -> Predicate:
    """A function telling whether a document matches the query, scopes included."""
    body = _compile(query.expression)
    languages = frozenset(query.languages)
    channels = frozenset(query.channels)

    def matches(document: Document) -> bool:
        if languages and document.language not in languages:
            return False
        if channels and document.channel not in channels:
            return False
        return body(document)

    return matches


def matches(query: ParsedQuery, text: str, *, language: str = "", channel: str = "") -> bool:
    """One-off match (tests, previews of a single text); bulk matching compiles once instead."""
    return compile_matcher(query)(Document.of(text, language=language, channel=channel))
