"""Pure parsing logic of the connectors: times, links, signatures, token encryption."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitoring.connectors.feed import plain_text, unwrap_link
from monitoring.connectors.parsing import ItemError, parse_time
from monitoring.connectors.webhook import sign, signature_valid
from monitoring.crypto import decrypt_credentials, encrypt_credentials, mask


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-15T10:30:00.000Z", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T12:30:00+0200", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T10:30:00+00:00", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        (1705314600, datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
    ],
)
def test_parse_time_reads_x_graph_and_unix_times_in_utc(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["2024-13-45T25:61:00.000Z", "yesterday", ["2024"], True])
def test_parse_time_refuses_what_is_not_a_time(value):
    with pytest.raises(ItemError):
        parse_time(value)


# hypothesis wants naive bounds and adds the time zone itself.
@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)))  # noqa: DTZ001
def test_parse_time_round_trips_x_timestamps(moment):
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    assert parse_time(text) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def test_google_alerts_links_are_unwrapped_to_the_article():
    wrapped = "https://www.google.com/url?rct=j&sa=t&url=https://news.example.com/acme-recall&ct=ga&cd=1"
    assert unwrap_link(wrapped) == "https://news.example.com/acme-recall"


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "https://www.google.com/url?url=javascript:alert(1)", "data:text/html,x", ""],
)
def test_unwrap_link_never_returns_a_non_web_url(link):
    assert unwrap_link(link) in ("", "https://www.google.com/url?url=javascript:alert(1)")
    assert not unwrap_link(link).startswith(("javascript", "data"))


@given(st.text(max_size=200))
def test_unwrapped_links_are_always_http(link):
    result = unwrap_link(link)
    assert result == "" or result.startswith(("http://", "https://"))


def test_plain_text_drops_tags_and_decodes_entities():
    assert plain_text("<b>Acme</b> &amp; <script>alert(1)</script>co") == "Acme & alert(1)co"


@given(st.binary(max_size=300), st.text(min_size=1, max_size=40))
def test_a_signature_only_matches_its_own_body(body, secret):
    header = sign(secret, body)
    assert signature_valid(secret, body, header)
    assert not signature_valid(secret, body + b"x", header)
    assert not signature_valid(secret + "x", body, header)
    assert not signature_valid(secret, body, None)


def test_tokens_round_trip_encrypted_and_are_masked():
    stored = encrypt_credentials({"bearer_token": "AAAA-very-secret-token-1234", "empty": ""})
    assert "very-secret" not in stored
    assert decrypt_credentials(stored) == {"bearer_token": "AAAA-very-secret-token-1234"}
    assert mask("AAAA-very-secret-token-1234") == "••••1234"
    assert mask("short") == "••••"
