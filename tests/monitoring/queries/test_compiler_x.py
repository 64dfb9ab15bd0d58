"""Compiling to X's search syntax: precedence, negation, scopes, and splitting within the length limit."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monitoring.queries.compiler_x import XCompileError, compile_x
from monitoring.queries.matcher import matches
from monitoring.queries.parser import And, Expression, Field, Not, Or, Phrase, Word, parse
from tests.monitoring.queries.x_search import Post, x_accepts


@pytest.mark.parametrize(
    ("query", "searches"),
    [
        ("coffee", ["coffee -is:retweet"]),
        ("coffee OR tea -decaf", ["(coffee OR (tea -decaf)) -is:retweet"]),
        ('"cold  brew" (latte OR mocha)', ['"cold brew" (latte OR mocha) -is:retweet']),
        ("coffee NOT (milk OR sugar)", ["coffee -milk -sugar -is:retweet"]),
        ("coffee NOT (milk sugar)", ["coffee (-milk OR -sugar) -is:retweet"]),
        ("#Kava @Acme wi-fi café", ['#Kava @Acme "wi fi" café -is:retweet']),
        ("kava lang:lt", ["kava -is:retweet lang:lt"]),
        ("kava lang:lt lang:lv", ["kava -is:retweet (lang:lt OR lang:lv)"]),
        ("kava channel:x channel:feed", ["kava -is:retweet"]),
        ("kava channel:feed", []),
        ("acme -from:acme", ["acme -from:acme -is:retweet"]),
        ("from:@Acme is:reply has:links", ["from:acme is:reply has:links -is:retweet"]),
        ("coffee (to:acme OR -is:reply)", ["coffee (to:acme OR -is:reply) -is:retweet"]),
    ],
)
def test_queries_compile_to_x_syntax(query: str, searches: list[str]) -> None:
    assert compile_x(parse(query)) == searches


@pytest.mark.parametrize("query", ["-decaf", "coffee OR -decaf", "NOT (coffee tea)"])
def test_queries_without_a_positive_term_cannot_be_searched_on_x(query: str) -> None:
    with pytest.raises(XCompileError, match="not negated"):
        compile_x(parse(query))


def test_long_query_splits_on_top_level_or_within_the_limit() -> None:
    words = [f"flavour{i}" for i in range(60)]
    searches = compile_x(parse(" OR ".join(words)), max_length=120)
    assert len(searches) > 1
    assert all(len(search) <= 120 and search.endswith(" -is:retweet") for search in searches)
    found = " ".join(searches)
    assert all(f"{word} " in found or f"{word})" in found for word in words)


def test_long_or_group_under_and_is_distributed_in_chunks() -> None:
    words = " OR ".join(f"flavour{i}" for i in range(60))
    searches = compile_x(parse(f"acme ({words})"), max_length=120)
    assert all(len(search) <= 120 and search.startswith("acme (") for search in searches)
    assert 6 <= len(searches) <= 10


def test_the_default_limit_is_x_self_serve_512() -> None:
    words = " OR ".join(f"flavour{i}" for i in range(100))
    searches = compile_x(parse(words))
    assert len(searches) == 3  # 100 alternatives of ~13 characters: about 1,400 characters
    assert max(len(search) for search in searches) <= 512 < len(" OR ".join(searches))


def test_a_conjunct_too_long_to_fit_is_explained() -> None:
    with pytest.raises(XCompileError, match="no OR left to split on") as raised:
        compile_x(parse(" ".join(f"flavour{i}" for i in range(60))), max_length=120)
    assert "more than X's limit of 120" in str(raised.value)


# Agreement: on any post X could return, local matching and the compiled X searches agree.
QUERY_WORDS = ["kava", "Kavą", "#kava", "кофе", "КОФЕ", "café", "šalta", "ёлка", "мой", "wi-fi", "tea", "or"]
POST_WORDS = ["kava", "KAVA", "kavą", "#Kava", "@kava", "kofe", "кофе", "Кофе", "cafe", "CAFÉ", "salta", "Šalta"]
POST_WORDS += ["елка", "Ёлка", "мои", "мой", "wi", "fi", "Wi-Fi", "wifi", "tea", "TEA", "or", "OR", "#tea"]


def expressions() -> st.SearchStrategy[Expression]:
    leaves = st.one_of(
        st.sampled_from(QUERY_WORDS).map(Word),
        st.lists(st.sampled_from(QUERY_WORDS), min_size=2, max_size=3).map(lambda ws: Phrase(" ".join(ws))),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(Not),
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: And(tuple(cs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda cs: Or(tuple(cs))),
        ),
        max_leaves=8,
    )


def render(expression: Expression) -> str:
    """Query-language text for a tree (fully parenthesised, so parse() reads it back the same)."""
    if isinstance(expression, Word):
        return expression.text
    if isinstance(expression, Phrase):
        return f'"{expression.text}"'
    if isinstance(expression, Not):
        return f"NOT ({render(expression.operand)})"
    if isinstance(expression, Field):
        return f"{expression.kind}:{expression.value}"
    joiner = " AND " if isinstance(expression, And) else " OR "
    return joiner.join(f"({render(child)})" for child in expression.children)


posts = st.builds(
    Post,
    text=st.lists(st.sampled_from(POST_WORDS), max_size=8).flatmap(
        lambda ws: st.lists(st.sampled_from([" ", ", ", "! ", " — "]), min_size=len(ws), max_size=len(ws)).map(
            lambda seps: "".join(w + s for w, s in zip(ws, seps, strict=True))
        )
    ),
    lang=st.sampled_from(["lt", "ru", "en"]),
)


@settings(max_examples=400, deadline=None)
@given(
    expression=expressions(),
    language=st.sampled_from(["", " lang:lt", " lang:lt lang:ru"]),
    max_length=st.sampled_from([60, 120, 512]),
    post=posts,
)
def test_local_matching_and_compiled_x_searches_accept_the_same_posts(
    expression: Expression, language: str, max_length: int, post: Post
) -> None:
    query = parse(render(expression) + language)
    try:
        searches = compile_x(query, max_length=max_length)
    except XCompileError:
        assume(False)
        return
    assert all(len(search) <= max_length for search in searches)
    assert any(x_accepts(search, post) for search in searches) == matches(query, post.text, language=post.lang)
    retweet = Post(post.text, post.lang, is_retweet=True)
    assert not any(x_accepts(search, retweet) for search in searches)
