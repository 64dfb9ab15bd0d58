"""Compiling a parsed query to X's search syntax, split into several searches when it is too long.

X's rules followed here: juxtaposition is AND, upper-case OR is OR and AND binds tighter (so every
OR group inside an AND gets parentheses), "-" negates one term, and a parenthesised group must not
be negated (X asks to negate each term instead), so negation is pushed down to the words with De
Morgan's laws. Each search needs a term that is not negated. Every search gets `-is:retweet` (a
retweet repeats a post we already have) and the query's language scope.

A search longer than the limit is split: the top-level OR alternatives go to separate searches (X
ORs them for us by running each), and an AND over an OR is distributed ((a OR b) c → a c, b c) until
the pieces fit; a piece that is a plain conjunction of terms and still too long cannot be split.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from monitoring.queries.parser import And, Expression, Field, Not, ParsedQuery, Phrase, Word
from monitoring.queries.text import TOKEN_RE

RETWEETS_EXCLUDED = "-is:retweet"
CONJUNCTION_REQUIRED = ("is:", "has:")
MAX_SEARCHES = 25


class XCompileError(ValueError):
    """A valid query that X's search syntax cannot express within its limits."""


@dataclass(frozen=True)
class Term:
    text: str  # already in X syntax: word, #tag, @name or "a phrase"
    negated: bool = False


@dataclass(frozen=True)
class AllOf:
    children: tuple[XNode, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[XNode, ...]


XNode = Term | AllOf | AnyOf


def _raw_tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(unicodedata.normalize("NFC", text))


def _term_text(expression: Word | Phrase) -> str:
    found = _raw_tokens(expression.text)
    if isinstance(expression, Word) and len(found) == 1:
        return found[0]
    return '"' + " ".join(token.lstrip("#@") for token in found) + '"'


def _flatten(kind: type[AllOf] | type[AnyOf], children: list[XNode]) -> XNode:
    flat: list[XNode] = []
    for child in children:
        flat.extend(child.children if isinstance(child, AllOf | AnyOf) and isinstance(child, kind) else (child,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def to_x_nodes(expression: Expression, negated: bool = False) -> XNode:
    """Negation normal form: NOT only on single terms."""
    if isinstance(expression, Field):
        return Term(f"{expression.kind}:{expression.value}", negated)
    if isinstance(expression, Word | Phrase):
        return Term(_term_text(expression), negated)
    if isinstance(expression, Not):
        return to_x_nodes(expression.operand, not negated)
    children = [to_x_nodes(child, negated) for child in expression.children]
    conjunctive = isinstance(expression, And) != negated
    return _flatten(AllOf, children) if conjunctive else _flatten(AnyOf, children)


def has_positive_term(node: XNode) -> bool:
    """Whether every way of satisfying the node asks for at least one term that is not negated."""
    if isinstance(node, Term):
        # X's is: and has: operators cannot stand alone in a search; from: and to: can.
        return not node.negated and not node.text.startswith(CONJUNCTION_REQUIRED)
    if isinstance(node, AllOf):
        return any(has_positive_term(child) for child in node.children)
    return all(has_positive_term(child) for child in node.children)


def render(node: XNode) -> str:
    if isinstance(node, Term):
        return ("-" if node.negated else "") + node.text
    if isinstance(node, AllOf):
        return " ".join(f"({render(child)})" if isinstance(child, AnyOf) else render(child) for child in node.children)
    return " OR ".join(f"({render(child)})" if isinstance(child, AllOf) else render(child) for child in node.children)


def _suffix(languages: tuple[str, ...]) -> str:
    if not languages:
        return f" {RETWEETS_EXCLUDED}"
    if len(languages) == 1:
        return f" {RETWEETS_EXCLUDED} lang:{languages[0]}"
    return f" {RETWEETS_EXCLUDED} (" + " OR ".join(f"lang:{code}" for code in languages) + ")"


def _search(node: XNode, suffix: str) -> str:
    body = render(node)
    return (f"({body})" if isinstance(node, AnyOf) else body) + suffix


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pieces(node: XNode, suffix: str, max_length: int) -> list[XNode]:
    """Alternatives whose union is the node, each short enough to be its own search."""
    if len(_search(node, suffix)) <= max_length:
        return [node]
    if isinstance(node, AnyOf):
        return [piece for child in node.children for piece in _pieces(child, suffix, max_length)]
    groups = [child for child in node.children if isinstance(child, AnyOf)] if isinstance(node, AllOf) else []
    if not isinstance(node, AllOf) or not groups:
        raise XCompileError(
            f"the part {_shorten(render(node))!r} is {len(_search(node, suffix))} characters as an X search, "
            f"more than X's limit of {max_length}, and has no OR left to split on: shorten it or split "
            "the query into several queries"
        )
    widest = max(groups, key=lambda group: len(render(group)))
    rest = [child for child in node.children if child is not widest]

    def with_rest(alternatives: list[XNode]) -> XNode:
        return _flatten(AllOf, [*rest, _flatten(AnyOf, alternatives)])

    pieces: list[XNode] = []
    chunk: list[XNode] = []
    for alternative in widest.children:
        if chunk and len(_search(with_rest([*chunk, alternative]), suffix)) > max_length:
            pieces.extend(_pieces(with_rest(chunk), suffix, max_length))
            chunk = []
        chunk.append(alternative)
    pieces.extend(_pieces(with_rest(chunk), suffix, max_length))
    return pieces


def _pack(pieces: list[XNode], suffix: str, max_length: int) -> list[str]:
    """Put as many alternatives as fit into each search, in order."""
    searches: list[str] = []
    group: list[XNode] = []
    for piece in pieces:
        candidate = [*group, piece]
        if group and len(_search(_flatten(AnyOf, candidate), suffix)) > max_length:
            searches.append(_search(_flatten(AnyOf, group), suffix))
            candidate = [piece]
        group = candidate
    searches.append(_search(_flatten(AnyOf, group), suffix))
    return searches


def compile_x(query: ParsedQuery, *, max_length: int = 512) -> list[str]:
    """X search queries whose union is the query (no retweets); [] when the query is not for X."""
    if query.channels and "x" not in query.channels:
        return []
    node = to_x_nodes(query.expression)
    if not has_positive_term(node):
        raise XCompileError("X needs at least one word or phrase that is not negated in every alternative")
    suffix = _suffix(query.languages)
    searches = _pack(_pieces(node, suffix, max_length), suffix, max_length)
    if len(searches) > MAX_SEARCHES:
        raise XCompileError(f"the query needs {len(searches)} X searches, more than {MAX_SEARCHES}: simplify it")
    return searches
