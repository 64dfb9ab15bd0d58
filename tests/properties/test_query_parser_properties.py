"""Any text a person types as a monitored query is parsed, compiled and matched, or refused with a position."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring.queries.matcher import matches
from monitoring.queries.models import MonitoredQuery

PIECES = ["AND", "OR", "NOT", "-", "(", ")", '"', "lang:", "channel:", "x", "en", " ", "coffee", "é", "\x00", "*"]
QUERIES = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=300).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=300).map("".join),
    st.integers(1, 1500).flatmap(lambda n: st.sampled_from(["(" * n, "NOT " * n, "-" * n + "a", '"' * n, "a OR " * n])),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES, text=st.text(max_size=80))
def test_any_query_is_accepted_and_matches_or_is_refused_with_a_reason(query, text):
    """The validation the setup page, the API (400) and `query check` share; never an exception past it."""
    monitored = MonitoredQuery(name="q", query=query)
    try:
        monitored.clean()
    except ValidationError as error:
        assert error.message_dict["query"][0]
        return
    assert matches(monitored.parsed(), text, language="en", channel="x") in (True, False)
