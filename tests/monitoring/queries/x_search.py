"""A small evaluator of X's search syntax, to check what compiled X queries accept.

It emulates X's documented behaviour and, where X documents none, states the assumption:
- Juxtaposition is AND, upper-case OR is OR, AND binds tighter than OR, parentheses group,
  "-" negates the next term (documented).
- `is:retweet` is true for retweets; `lang:xx` compares X's language of the post (documented).
- Keyword matching is case-insensitive (documented). ASSUMED: it also ignores diacritics the way
  our matcher folds them (NFKD, casefold, combining marks dropped, Cyrillic "й" kept apart).
- ASSUMED tokenisation: a post splits into runs of letters and digits; "#" or "@" directly before a
  run makes it a hashtag or mention. A keyword matches a token with or without that prefix, a
  `#tag` / `@name` operator only that hashtag or mention, and a "quoted phrase" the same tokens in
  a row, prefixes ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitoring.queries.text import fold

_TOKEN = re.compile(r'\(|\)|-?"[^"]*"|\S+?(?=[()]|\s|$)')
_WORDS = re.compile(r"[#@]?\w+")


@dataclass(frozen=True)
class Post:
    text: str
    lang: str = "en"
    is_retweet: bool = False


def _post_tokens(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


class _Evaluator:
    def __init__(self, search: str, post: Post) -> None:
        self.items = _TOKEN.findall(search)
        self.index = 0
        self.post = post
        self.tokens = _post_tokens(post.text)
        self.plain = [token.lstrip("#@") for token in self.tokens]

    def peek(self) -> str | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def any_of(self) -> bool:
        result = self.all_of()
        while self.peek() == "OR":
            self.index += 1
            result = self.all_of() or result
        return result

    def all_of(self) -> bool:
        result = True
        while self.peek() not in (None, ")", "OR"):
            result = self.operand() and result
        return result

    def operand(self) -> bool:
        item = self.items[self.index]
        self.index += 1
        if item == "(":
            value = self.any_of()
            assert self.items[self.index] == ")", "X would reject an unclosed group"
            self.index += 1
            return value
        assert item not in (")", "OR", "AND"), f"X would reject {item!r} here"
        if item.startswith("-"):
            assert item[1:2] != "(", "X asks not to negate a group"
            return not self.term(item[1:])
        return self.term(item)

    def term(self, item: str) -> bool:
        if item == "is:retweet":
            return self.post.is_retweet
        if item.startswith("lang:"):
            return self.post.lang == item.removeprefix("lang:")
        assert ":" not in item, f"unknown operator {item!r}"
        if item.startswith('"'):
            wanted = [token.lstrip("#@") for token in _post_tokens(item.strip('"'))]
            return any(self.plain[i : i + len(wanted)] == wanted for i in range(len(self.plain)))
        (keyword,) = _post_tokens(item)
        if keyword[0] in "#@":
            return keyword in self.tokens
        return keyword in self.plain


def x_accepts(search: str, post: Post) -> bool:
    """Whether X's search `search` returns `post`."""
    evaluator = _Evaluator(search, post)
    result = evaluator.any_of()
    assert evaluator.peek() is None, f"X would reject the trailing {evaluator.peek()!r}"
    positive = [item for item in evaluator.items if item not in ("(", ")", "OR") and not item.startswith("-")]
    assert positive, "X rejects a search made only of negations"
    return result
