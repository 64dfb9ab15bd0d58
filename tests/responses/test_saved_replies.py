"""Saved replies filled in one pass: a customer's name is inserted as written, braces and all."""

from hypothesis import given
from hypothesis import strategies as st

from responses.rendering import render

names = st.text(min_size=1) | st.sampled_from(["{handle}", "{author_name}", "{{handle}}", "\\1", "{offer_code}"])


@given(st.text(alphabet="ab{}| "), names, names)
def test_values_are_inserted_verbatim_even_with_braces(before, name, handle):
    values = {"author_name": name, "handle": handle, "offer_code": "SECRET"}
    filled = render(before + "|{author_name}|{handle}", values, keep=frozenset({"offer_code"}))
    assert filled.endswith("|" + name + "|" + handle)
    assert render("{author_name}", values) == name
