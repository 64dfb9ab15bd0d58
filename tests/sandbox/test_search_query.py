"""The sandbox's X search query language, as pure logic (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.search_query import QuerySyntaxError, SearchablePost, compile_query

word = st.text(alphabet="abcdefghijklmnñopqrstuvwxyząčęėįšųūžжэюяшщ", min_size=1, max_size=8)


def post(text: str, **kw) -> SearchablePost:
    return SearchablePost(text=text, lang=kw.pop("lang", "en"), author=kw.pop("author", "ana"), **kw)


@given(st.lists(word, min_size=1, max_size=6), word)
def test_a_word_matches_exactly_the_posts_that_contain_it_as_a_token(words, probe):
    matches = compile_query(probe)(post(" ".join(words)))

    assert matches == (probe.casefold() in [w.casefold() for w in words])


@given(st.lists(word, min_size=1, max_size=6), word, word)
def test_or_is_the_union_and_negation_the_complement(words, a, b):
    text = post(" ".join(words))

    assert compile_query(f"{a} OR {b}")(text) == (compile_query(a)(text) or compile_query(b)(text))
    assert compile_query(f"-{a}")(text) == (not compile_query(a)(text))
    assert compile_query(f"{a} {b}")(text) == (compile_query(a)(text) and compile_query(b)(text))


def test_operators_phrases_and_groups():
    complaint = post("Wrong order from @Acme again #fail", lang="es", author="Luis")
    retweet = post("RT @luis: Wrong order from @Acme", is_retweet=True)

    assert compile_query('"wrong order" @acme lang:es from:luis #fail')(complaint)
    assert not compile_query('"order wrong"')(complaint)
    assert compile_query("(refund OR again) -is:retweet")(complaint)
    assert not compile_query("@acme -is:retweet")(retweet)


@pytest.mark.parametrize("query", ["", "(acme", "acme)", "acme OR", "OR acme"])
def test_unreadable_queries_raise(query):
    with pytest.raises(QuerySyntaxError):
        compile_query(query)
