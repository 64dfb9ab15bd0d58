"""The monitored-query language: words, "exact phrases", AND / OR / NOT / -word, parentheses, scopes.

Grammar (operators are upper case; lower-case "and", "or", "not" are plain words):

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*          juxtaposition is an implicit AND
    unary    := ("NOT" | "-") unary | primary
    primary  := WORD | "PHRASE" | "(" or_expr ")" | lang:CODE | channel:NAME | FIELD
    FIELD    := from:HANDLE | to:HANDLE | is:reply | is:retweet | has:links

AND binds tighter than OR. `lang:` and `channel:` scope the whole query, so they are allowed only at
the top level (never inside parentheses, OR or NOT); several of one kind mean "any of these". The
fields X's search knows (`from:`, `to:`, `is:reply`, `is:retweet`, `has:links`) are terms like words:
anywhere, negatable (`acme -from:acme`). `lang:` takes a language code Django knows (ISO 639).

Error positions are 0-based character offsets into the query (`QuerySyntaxError.position`); the
human message shows the 1-based column (`position + 1`) with a caret line, as editors count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf.locale import LANG_INFO

from monitoring.queries.text import tokens

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 25
# The values of monitoring.models.Platform, the channels a query may be scoped to.
CHANNELS = ("x", "facebook", "feed", "webhook")
SCOPE_KINDS = ("lang", "channel")
FIELD_VALUES = {"is": ("reply", "retweet"), "has": ("links",)}
HANDLE_FIELDS = ("from", "to")
HANDLE_RE = re.compile(r"^@?[A-Za-z0-9_]{1,50}$")
# Real language codes only (ISO 639-1, and the 639-3 codes Django knows), not any two letters.
LANGUAGE_CODES = frozenset(code for code in LANG_INFO if code.isalpha() and code.islower() and len(code) <= 3)


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed: where (0-based offset) and why."""

    def __init__(self, reason: str, position: int, source: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position
        self.source = source

    @property
    def column(self) -> int:
        return self.position + 1

    def __str__(self) -> str:
        return f"column {self.column}: {self.reason}"

    def pointer(self) -> str:
        """The query with a caret under the offending character, for terminals and <pre> blocks."""
        return f"{self.source}\n{' ' * self.position}^"


@dataclass(frozen=True)
class Word:
    text: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Phrase:
    text: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Expression


@dataclass(frozen=True)
class And:
    children: tuple[Expression, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Expression, ...]


@dataclass(frozen=True)
class Scope:
    kind: str  # "lang" or "channel"
    value: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Field:
    """A property of the post rather than its text: from:acme, to:acme, is:reply, is:retweet, has:links."""

    kind: str
    value: str
    position: int = field(default=0, compare=False)


Expression = Word | Phrase | Field | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    expression: Expression
    languages: tuple[str, ...] = ()  # empty: any language
    channels: tuple[str, ...] = ()  # empty: every channel


@dataclass(frozen=True)
class Token:
    kind: str  # WORD PHRASE SCOPE AND OR NOT MINUS LPAREN RPAREN END
    text: str
    position: int
    end: int


_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT"}
_STOP = {"(", ")", '"'}


def _scan_word(query: str, start: int) -> Token:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in _STOP:
        end += 1
    text = query[start:end]
    if text in _OPERATORS:
        return Token(_OPERATORS[text], text, start, end)
    prefix, colon, _ = text.partition(":")
    if colon and prefix.isalpha():
        kind = prefix.lower()
        if kind in HANDLE_FIELDS or kind in FIELD_VALUES:
            return Token("FIELD", text, start, end)
        if kind not in SCOPE_KINDS:
            supported = "lang:, channel:, from:, to:, is:reply, is:retweet, has:links"
            raise QuerySyntaxError(f'unknown operator "{prefix}:" (supported: {supported})', start, query)
        return Token("SCOPE", text, start, end)
    if not tokens(text):
        raise QuerySyntaxError(f'"{text}" has no letters or digits to match', start, query)
    return Token("WORD", text, start, end)


def _scan_phrase(query: str, start: int) -> Token:
    end = query.find('"', start + 1)
    if end == -1:
        raise QuerySyntaxError("quotation mark is never closed", start, query)
    text = query[start + 1 : end].strip()
    if not tokens(text):
        raise QuerySyntaxError("empty phrase: put words between the quotation marks", start, query)
    return Token("PHRASE", " ".join(text.split()), start, end + 1)


def tokenize(query: str) -> list[Token]:
    result: list[Token] = []
    index = 0
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
            continue
        if char in "()":
            result.append(Token("LPAREN" if char == "(" else "RPAREN", char, index, index + 1))
            index += 1
            continue
        if char == "-":
            following = query[index + 1 : index + 2]
            if not following or following.isspace() or following in ")":
                raise QuerySyntaxError('dangling "-": put it right before a word, phrase or "("', index, query)
            result.append(Token("MINUS", char, index, index + 1))
            index += 1
            continue
        token = _scan_phrase(query, index) if char == '"' else _scan_word(query, index)
        result.append(token)
        index = token.end
    result.append(Token("END", "", len(query), len(query)))
    return result


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens, self.scopes = self.take_scopes(tokenize(query))
        self.index = 0
        self.depth = 0

    def take_scopes(self, scanned: list[Token]) -> tuple[list[Token], list[Scope]]:
        """Scopes qualify the whole query, so they may stand only at the top level, not negated."""
        kept: list[Token] = []
        scopes: list[Scope] = []
        depth = 0
        for token in scanned:
            depth += {"LPAREN": 1, "RPAREN": -1}.get(token.kind, 0)
            if token.kind != "SCOPE":
                kept.append(token)
                continue
            if depth > 0 or (kept and kept[-1].kind in ("NOT", "MINUS", "OR", "AND")):
                raise self.error(
                    f"{token.text.partition(':')[0].lower()}: applies to the whole query: "
                    "put it at the top level, outside parentheses, OR and NOT",
                    token.position,
                )
            scopes.append(self.scope(token))
        if scopes and all(token.kind == "END" for token in kept):
            raise self.error("a query needs a word or phrase besides lang: and channel:", 0)
        return kept, scopes

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, reason: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(reason, position, self.query)

    def expect_operand(self, operator: Token) -> None:
        """An operator must be followed by something it can apply to."""
        if self.peek().kind in ("END", "RPAREN", "AND", "OR"):
            raise self.error(f"dangling operator {operator.text}: nothing follows it", operator.position)

    def parse(self) -> Expression:
        if self.peek().kind == "END":
            raise self.error("empty query: write at least one word or phrase", 0)
        expression = self.parse_or()
        token = self.peek()
        if token.kind == "RPAREN":
            raise self.error('closing parenthesis without a matching "("', token.position)
        return expression

    def parse_or(self) -> Expression:
        children = [self.parse_and()]
        while self.peek().kind == "OR":
            operator = self.take()
            self.expect_operand(operator)
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Expression:
        children = [self.parse_unary()]
        while self.peek().kind not in ("END", "RPAREN", "OR"):
            if self.peek().kind == "AND":
                self.expect_operand(self.take())
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Expression:
        token = self.peek()
        if token.kind in ("NOT", "MINUS"):
            self.take()
            self.expect_operand(token)
            return Not(self.nested(self.parse_unary, token))
        return self.parse_primary()

    def nested(self, parse: Callable[[], Expression], token: Token) -> Expression:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep", token.position)
        expression = parse()
        self.depth -= 1
        return expression

    def parse_primary(self) -> Expression:
        token = self.take()
        if token.kind == "WORD":
            return Word(token.text, token.position)
        if token.kind == "PHRASE":
            return Phrase(token.text, token.position)
        if token.kind == "FIELD":
            return self.field(token)
        if token.kind == "LPAREN":
            if self.peek().kind == "RPAREN":
                raise self.error("empty parentheses", token.position)
            if self.peek().kind == "END":
                raise self.error("opening parenthesis is never closed", token.position)
            inner = self.nested(self.parse_or, token)
            if self.take().kind != "RPAREN":
                raise self.error("opening parenthesis is never closed", token.position)
            return inner
        if token.kind == "RPAREN":
            raise self.error('closing parenthesis without a matching "("', token.position)
        raise self.error(f"dangling operator {token.text}: nothing before it", token.position)

    def scope(self, token: Token) -> Scope:
        kind, _, value = token.text.partition(":")
        kind, value = kind.lower(), value.lower()
        if kind == "lang" and value not in LANGUAGE_CODES:
            raise self.error(f'"{value}" is not a language code (use ISO 639-1, e.g. lang:es)', token.position)
        if kind == "channel" and value not in CHANNELS:
            raise self.error(f'unknown channel "{value}" (use one of: {", ".join(CHANNELS)})', token.position)
        return Scope(kind, value, token.position)

    def field(self, token: Token) -> Field:
        kind, _, value = token.text.partition(":")
        kind = kind.lower()
        if kind in HANDLE_FIELDS:
            if not HANDLE_RE.match(value):
                raise self.error(f'{kind}: takes an X handle (letters, digits, "_"), e.g. {kind}:acme', token.position)
            return Field(kind, value.lstrip("@").lower(), token.position)
        allowed = FIELD_VALUES[kind]
        if value.lower() not in allowed:
            choices = ", ".join(f"{kind}:{name}" for name in allowed)
            raise self.error(f'unknown "{kind}:{value}" (use {choices})', token.position)
        return Field(kind, value.lower(), token.position)


def parse(query: str) -> ParsedQuery:
    """Parse a monitored query or raise QuerySyntaxError with the offending position and the reason."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"query is longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH, query)
    parser = _Parser(query)
    expression = parser.parse()
    scopes = parser.scopes
    languages = tuple(dict.fromkeys(scope.value for scope in scopes if scope.kind == "lang"))
    channels = tuple(dict.fromkeys(scope.value for scope in scopes if scope.kind == "channel"))
    return ParsedQuery(expression, languages, channels)
