"""Saved replies: variables filled in literally, ordered by the conversation's language."""

from hypothesis import given
from hypothesis import strategies as st

from responses.selectors import saved_replies_for
from responses.services import add_saved_reply, fill_in


def test_saved_replies_in_the_conversations_language_come_first(brand):
    add_saved_reply(brand=brand, title="Gracias", text="¡Gracias!", language="es")
    add_saved_reply(brand=brand, title="Thanks", text="Thanks!", language="en")
    add_saved_reply(brand=brand, title="Any", text="🙏")
    assert [s.title for s in saved_replies_for(brand_id=brand.pk, language="es")] == ["Gracias", "Any", "Thanks"]
    assert [s.title for s in saved_replies_for(brand_id=brand.pk, language="")] == ["Any", "Gracias", "Thanks"]


def test_fill_in_replaces_only_the_two_variables():
    text = "Hi {author_name} ({handle}), {unknown} stays, {author_name.__class__} too"
    assert fill_in(text, author_name="Jane", handle="@jane") == (
        "Hi Jane (@jane), {unknown} stays, {author_name.__class__} too"
    )


names = st.text() | st.sampled_from(["{handle}", "{author_name}", "{{handle}}", "\\1"])


@given(st.text(alphabet="ab{}| "), names, names)
def test_fill_in_inserts_names_verbatim_even_with_braces(before, name, handle):
    filled = fill_in(before + "|{author_name}|{handle}", author_name=name, handle=handle)
    assert filled.endswith("|" + name + "|" + handle)
    assert fill_in("{author_name}", author_name=name, handle=handle) == name
