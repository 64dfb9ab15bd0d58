"""Local matching: Unicode-aware, case- and accent-insensitive, whole words, scopes."""

import pytest

from monitoring.queries.matcher import matches
from monitoring.queries.parser import parse


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("coffee", "Best COFFEE in town", True),
        ("coffee", "coffeehouse is closed", False),
        ("coffee", "I love #Coffee", True),
        ("#coffee", "I love coffee", False),
        ("#coffee", "I love #COFFEE!", True),
        ("@acme", "thanks @Acme", True),
        ("café", "CAFE du monde", True),
        ("cafe", "Café du monde", True),
        ("ecole", "L'ÉCOLE", True),
        ("straße", "STRASSE", True),
        # Lithuanian: ą č ę ė į š ų ū ž fold to their letters, either way round.
        ("kava", "Šalta kavą", True),
        ("kavą", "Šalta KAVA", True),
        ("šalta", "SALTA kava", True),
        ("žalia arbata", "ŽALIA ARBATA čia", True),
        ("ėčęįųū", "ECEIUU", True),
        # Cyrillic: case-insensitive, "ё" folds to its base letter, "й" stays a letter of its own.
        ("кофе", "Холодный КОФЕ!", True),
        ("ёлка", "Елка в парке", True),
        ("мой", "мои деньги", False),
        ("мой", "МОЙ заказ", True),
        ("заказ -отмена", "мой заказ: отмена", False),
        ('"холодный кофе"', "Холодный, кофе!", True),
        ('"холодный кофе"', "кофе холодный", False),
        ("wi-fi", "no WiFi here", False),
        ("wi-fi", "the Wi Fi is down", True),
        ("(tea OR coffee) NOT decaf", "decaf coffee", False),
        ("(tea OR coffee) NOT decaf", "green tea", True),
    ],
)
def test_matching_is_case_accent_and_word_aware(query: str, text: str, expected: bool) -> None:
    assert matches(parse(query), text) is expected


def test_language_scope_needs_the_message_language() -> None:
    query = parse("kava lang:lt lang:lv")
    assert matches(query, "kava", language="lt")
    assert matches(query, "kava", language="LV")
    assert not matches(query, "kava", language="en")
    assert not matches(query, "kava", language="")


def test_channel_scope_limits_where_a_query_listens() -> None:
    query = parse("kava channel:feed channel:facebook")
    assert matches(query, "kava", channel="feed")
    assert not matches(query, "kava", channel="x")


@pytest.mark.parametrize(
    ("query", "text", "author", "in_reply_to", "expected"),
    [
        ("acme -from:acme", "acme is great", "acme", "", False),
        ("acme -from:acme", "acme is great", "ana", "", True),
        ("from:Acme", "hi", "@ACME", "", True),
        ("coffee to:acme", "@ana @acme the coffee was cold", "ben", "123", True),
        ("coffee to:acme", "the coffee was cold @acme", "ben", "123", False),  # a mention, not a reply to it
        ("coffee to:acme", "@acme the coffee was cold", "ben", "", False),  # not a reply at all
        ("coffee is:reply", "coffee?", "ben", "123", True),
        ("coffee -is:reply", "coffee?", "ben", "123", False),
        ("coffee is:retweet", "RT @acme: coffee day", "ben", "", True),
        ("coffee -is:retweet", "RT @acme: coffee day", "ben", "", False),
        ("coffee has:links", "coffee https://t.co/x", "ben", "", True),
        ("coffee has:links", "coffee at acme.com", "ben", "", False),
    ],
)
def test_fields_match_what_the_message_says_about_itself(query, text, author, in_reply_to, expected):
    from monitoring.queries.matcher import Document, compile_matcher

    document = Document.of(text, author=author, in_reply_to=in_reply_to)
    assert compile_matcher(parse(query))(document) is expected
