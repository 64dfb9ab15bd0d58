"""The query language: what parses to which tree, and where and why a bad query is rejected."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.models import Platform
from monitoring.queries.parser import (
    CHANNELS,
    And,
    Not,
    Or,
    ParsedQuery,
    Phrase,
    QuerySyntaxError,
    Word,
    parse,
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coffee", ParsedQuery(Word("coffee"))),
        ("cold brew", ParsedQuery(And((Word("cold"), Word("brew"))))),
        ("cold AND brew", ParsedQuery(And((Word("cold"), Word("brew"))))),
        ('"cold  brew"', ParsedQuery(Phrase("cold brew"))),
        ("a OR b c", ParsedQuery(Or((Word("a"), And((Word("b"), Word("c"))))))),
        ("(a OR b) c", ParsedQuery(And((Or((Word("a"), Word("b"))), Word("c"))))),
        ("coffee -decaf", ParsedQuery(And((Word("coffee"), Not(Word("decaf")))))),
        ("coffee NOT (decaf OR tea)", ParsedQuery(And((Word("coffee"), Not(Or((Word("decaf"), Word("tea")))))))),
        ("wi-fi", ParsedQuery(Word("wi-fi"))),
        ("a or b", ParsedQuery(And((Word("a"), Word("or"), Word("b"))))),
        ("lang:es café", ParsedQuery(Word("café"), languages=("es",))),
        ("kava OR кофе lang:lt LANG:ru channel:x", ParsedQuery(Or((Word("kava"), Word("кофе"))), ("lt", "ru"), ("x",))),
        ("#Kava @acme", ParsedQuery(And((Word("#Kava"), Word("@acme"))))),
    ],
)
def test_good_queries_parse_to_their_tree(query: str, expected: ParsedQuery) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "position", "reason"),
    [
        ("", 0, "empty query"),
        ("(coffee OR tea", 0, "parenthesis is never closed"),
        ("coffee (tea OR (latte)", 7, "parenthesis is never closed"),
        ("coffee)", 6, "without a matching"),
        ("coffee (", 7, "parenthesis is never closed"),
        ("coffee -(", 8, "parenthesis is never closed"),
        ("coffee OR", 7, "dangling operator OR"),
        ("OR coffee", 0, "dangling operator OR"),
        ("coffee AND OR tea", 7, "dangling operator AND"),
        ("coffee NOT", 7, "dangling operator NOT"),
        ("coffee (tea AND)", 12, "dangling operator AND"),
        ('coffee ""', 7, "empty phrase"),
        ('coffee "  "', 7, "empty phrase"),
        ('coffee "cold brew', 7, "never closed"),
        ("coffee ()", 7, "empty parentheses"),
        ("coffee - tea", 7, 'dangling "-"'),
        ("coffee via:acme", 7, 'unknown operator "via:"'),
        ("coffee from:acme!", 7, "takes an X handle"),
        ("coffee is:quote", 7, 'unknown "is:quote"'),
        ("coffee has:media", 7, 'unknown "has:media"'),
        ("coffee lang:xx", 7, "not a language code"),
        ("coffee !!!", 7, "no letters or digits"),
        ("(coffee lang:es)", 8, "applies to the whole query"),
        ("coffee OR lang:es", 10, "applies to the whole query"),
        ("coffee -channel:x", 8, "applies to the whole query"),
        ("lang:es", 0, "besides lang: and channel:"),
        ("coffee lang:spanish", 7, "not a language code"),
        ("coffee channel:tiktok", 7, 'unknown channel "tiktok"'),
        ("(" * 30 + "a" + ")" * 30, 25, "nested more than"),
    ],
)
def test_bad_queries_report_position_and_reason(query: str, position: int, reason: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse(query)
    assert raised.value.position == position
    assert reason in raised.value.reason
    assert str(raised.value).startswith(f"column {position + 1}:")
    assert raised.value.pointer().splitlines()[-1] == " " * position + "^"


def test_channel_scopes_are_the_platforms() -> None:
    assert set(CHANNELS) == set(Platform.values)


def test_overlong_query_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="longer than"):
        parse("a " * 1001)


@given(st.text(alphabet='ab ()"-:ORNTAD\u00e9\u0436', max_size=40))
def test_parser_either_parses_or_points_inside_the_query(query: str) -> None:
    try:
        parse(query)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(query)
        assert error.reason
