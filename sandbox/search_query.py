"""The subset of X's search query language the sandbox evaluates for /2/tweets/search/recent.

Supported: words (whole-token, case-insensitive), "exact phrases", implicit AND, OR, parentheses,
negation with a leading `-`, `@handle`, `#hashtag`, `from:handle`, `to:handle`, `lang:xx`,
`is:retweet`, `is:reply`, `has:links`. Anything else is a word. A malformed query raises QuerySyntaxError,
which the endpoint answers with X's 400 invalid-request body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

TOKEN = re.compile(r'\s*(?:(\()|(\))|(-?)"([^"]*)"|(-?)([^\s()"]+))')
WORD = re.compile(r"[\w']+", re.UNICODE)


class QuerySyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class SearchablePost:
    text: str
    lang: str
    author: str
    is_retweet: bool = False
    is_reply: bool = False
    reply_to: str = ""


Predicate = Callable[[SearchablePost], bool]


def words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def _phrase(phrase: str) -> Predicate:
    needle = words(phrase)

    def matches(post: SearchablePost) -> bool:
        hay = words(post.text)
        return bool(needle) and any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))

    return matches


def _term(term: str) -> Predicate:
    lowered = term.casefold()
    key, _, value = lowered.partition(":")
    if value and key in {"lang", "from", "to", "is", "has"}:
        operators: dict[str, Predicate] = {
            "lang": lambda post: post.lang.casefold() == value,
            "from": lambda post: post.author.casefold() == value.lstrip("@"),
            "to": lambda post: post.reply_to.casefold() == value.lstrip("@"),
            "is": lambda post: (value == "retweet" and post.is_retweet) or (value == "reply" and post.is_reply),
            "has": lambda post: value == "links" and re.search(r"https?://", post.text, re.IGNORECASE) is not None,
        }
        return operators[key]
    if lowered[:1] in {"@", "#"} and len(lowered) > 1:
        pattern = re.compile(rf"(?<![\w{lowered[0]}]){re.escape(lowered)}(?!\w)")
        return lambda post: pattern.search(post.text.casefold()) is not None
    return _phrase(term)


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens: list[tuple[str, str, bool]] = []  # (kind, text, negated)
        position = 0
        query = query.strip()
        while position < len(query):
            match = TOKEN.match(query, position)
            if match is None or match.end() == position:
                raise QuerySyntaxError(f"Cannot read the query at character {position + 1}.")
            position = match.end()
            if match.group(1):
                self.tokens.append(("(", "(", False))
            elif match.group(2):
                self.tokens.append((")", ")", False))
            elif match.group(4) is not None:
                self.tokens.append(("phrase", match.group(4), bool(match.group(3))))
            elif match.group(6):
                self.tokens.append(("term", match.group(6), bool(match.group(5))))
        self.index = 0

    def peek(self) -> tuple[str, str, bool] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def parse(self) -> Predicate:
        if not self.tokens:
            raise QuerySyntaxError("The query is empty.")
        predicate = self.either()
        if self.peek() is not None:
            raise QuerySyntaxError("Unbalanced parentheses in the query.")
        return predicate

    def either(self) -> Predicate:
        options = [self.both()]
        while (token := self.peek()) is not None and token[0] == "term" and token[1] == "OR" and not token[2]:
            self.index += 1
            options.append(self.both())
        return options[0] if len(options) == 1 else (lambda post: any(option(post) for option in options))

    def both(self) -> Predicate:
        parts: list[Predicate] = []
        while (token := self.peek()) is not None and token[0] != ")" and not (token[0] == "term" and token[1] == "OR"):
            parts.append(self.unit())
        if not parts:
            raise QuerySyntaxError("An operand is missing (around OR or parentheses).")
        return parts[0] if len(parts) == 1 else (lambda post: all(part(post) for part in parts))

    def unit(self) -> Predicate:
        kind, text, negated = self.tokens[self.index]
        self.index += 1
        if kind == "(":
            inner = self.either()
            if self.peek() is None or self.tokens[self.index][0] != ")":
                raise QuerySyntaxError("Unbalanced parentheses in the query.")
            self.index += 1
            return inner
        predicate = _phrase(text) if kind == "phrase" else _term(text)
        return (lambda post: not predicate(post)) if negated else predicate


def compile_query(query: str) -> Predicate:
    """A predicate over posts for an X search query; raises QuerySyntaxError when it cannot be read."""
    return _Parser(query).parse()
