"""Reply length as the platforms count it: X's weighted length, Facebook's characters."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inbox.text_limits import (
    FACEBOOK_COMMENT_LIMIT,
    FACEBOOK_MESSAGE_LIMIT,
    X_PARSE_CAP,
    character_length,
    count_reply,
    x_weighted_length,
)

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("This is a test.", 15),
        ("a" * 280, 280),
        ("日本語", 6),
        ("한국어", 6),
        ("Привет", 6),  # Cyrillic sits in the light range
        ("😀", 2),
        (FAMILY, 2),  # a ZWJ sequence is one emoji
        ("👍🏽", 2),  # skin tone modifier joins its emoji
        ("🇱🇹", 2),  # a flag is one emoji
        ("café", 4),
        ("cafe\u0301", 4),  # NFC folds the combining accent
        ("https://example.com", 23),
        ("see https://example.com/" + "a" * 200 + " ok", 4 + 23 + 3),
        ("example.com", 23),  # a bare domain with a known TLD is a link too
        ("order.number", 12),  # an unknown TLD is not
        ("line\r\nbreak", 10),
        ("\u2018quoted\u2019", 8),  # typographic quotes weigh 1
    ],
)
def test_x_weighted_length_matches_known_cases(text, weight):
    assert x_weighted_length(text) == weight


def test_x_limit_is_280_weighted_units():
    assert not count_reply("a" * 280, platform="x", private=False).over
    assert count_reply("a" * 281, platform="x", private=False).over
    assert not count_reply("日" * 140, platform="x", private=False).over
    assert count_reply("日" * 141, platform="x", private=False).over


def test_x_text_past_the_parse_cap_counts_one_per_character_and_is_over():
    text = "http://" + "a." * X_PARSE_CAP
    count = count_reply(text, platform="x", private=False)
    assert count.used == len(text)
    assert count.over


def test_facebook_limits_comment_and_messenger():
    assert count_reply("a" * FACEBOOK_COMMENT_LIMIT, platform="facebook", private=False).remaining == 0
    assert count_reply("a" * (FACEBOOK_COMMENT_LIMIT + 1), platform="facebook", private=False).over
    assert not count_reply("a" * FACEBOOK_MESSAGE_LIMIT, platform="facebook", private=True).over
    assert count_reply("a" * (FACEBOOK_MESSAGE_LIMIT + 1), platform="facebook", private=True).over
    # Facebook counts characters: a link is as long as it is, an emoji is one.
    assert character_length("😀 https://example.com") == 21


def test_messages_say_what_is_wrong_without_cutting():
    over = count_reply("a" * 290, platform="x", private=False)
    assert over.message.startswith("10 characters over the limit of 280")
    assert "nothing is cut" in over.message
    assert count_reply("hello", platform="x", private=False).message == "275 of 280 characters left."
    assert count_reply("", platform="facebook", private=True).message == "Up to 2,000 characters."


plain_words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=300)
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=100)
any_text = st.text(max_size=200)
url_path = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", max_size=300)


@given(plain_words)
def test_latin_letters_and_spaces_weigh_one_each(text):
    assert x_weighted_length(text) == len(text)


@given(cjk)
def test_cjk_ideographs_weigh_two_each(text):
    assert x_weighted_length(text) == 2 * len(text)


@given(url_path, plain_words)
def test_a_link_weighs_23_whatever_its_length(path, words):
    prefix = words + " "
    assert x_weighted_length(prefix + "https://example.com/" + path) == x_weighted_length(prefix) + 23


@given(any_text)
def test_counting_is_invariant_under_unicode_normalisation(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert x_weighted_length(decomposed) == x_weighted_length(text)
    assert character_length(decomposed) == character_length(text)


@given(any_text, st.sampled_from(["x", "facebook", "feed"]), st.booleans())
def test_over_means_used_past_the_limit_and_says_so(text, platform, private):
    count = count_reply(text, platform=platform, private=private)
    assert count.over == (count.used > count.limit)
    assert ("over the limit" in count.message) == count.over
    assert count.used >= 0
