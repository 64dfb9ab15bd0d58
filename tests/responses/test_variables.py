"""Saved-reply variables: unknown ones refused at save with their position, unfillable ones refused before sending."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inbox.models import Author
from responses.rendering import UnfillableVariable, UnknownVariable, check_variables, render, render_fillable
from responses.services import add_saved_reply, variables_for
from tests.inbox.threads import account, conversation


def test_an_unknown_variable_is_refused_at_save_with_its_position_and_a_caret(brand):
    with pytest.raises(ValidationError) as refused:
        add_saved_reply(brand=brand, title="Hi", text="Hi {author_name},\nyour {order_id} ships today")
    message = refused.value.message_dict["text"][0]
    assert "Unknown variable {order_id} at character 24" in message
    assert message.endswith("your {order_id} ships today\n     ^")
    assert not brand.saved_replies.exists()


def test_braces_that_are_not_a_word_are_text():
    check_variables("Have a nice day {:)} { } {}")
    with pytest.raises(UnknownVariable) as refused:
        check_variables("{Author_Name}")
    assert refused.value.position == 0


def test_every_variable_is_filled_in_one_pass_with_values_taken_literally():
    values = {
        "author_name": "{handle}",
        "handle": "@jane",
        "brand": "Acme",
        "agent_first_name": "Sam",
        "offer_code": "C-1",
        "offer_expires": "31 Dec",
    }
    text = "{author_name} {handle} {brand} {agent_first_name} {offer_code} {offer_expires}"
    assert render(text, values) == "{handle} @jane Acme Sam C-1 31 Dec"


def test_a_variable_without_a_value_refuses_the_whole_reply():
    with pytest.raises(UnfillableVariable) as refused:
        render("Hi {author_name}, from {agent_first_name}", {"author_name": "Jane", "agent_first_name": ""})
    assert refused.value.name == "agent_first_name"
    assert "your profile has no first name" in refused.value.message


def test_kept_variables_stay_for_later_and_the_preview_leaves_unknown_values_in_braces():
    assert render("{offer_code} for {author_name}", {"author_name": "Jane"}, keep=frozenset({"offer_code"})) == (
        "{offer_code} for Jane"
    )
    assert render_fillable("{author_name} {offer_code}", {"author_name": "Jane"}) == "Jane {offer_code}"


def test_variables_of_a_conversation_whose_author_the_platform_withheld_are_empty(brand, agent):
    conv = conversation(account(brand))
    Author.objects.filter(pk=conv.author_id).update(name="", handle="")
    conv.author.refresh_from_db()
    values = variables_for(conv, agent=agent)
    assert values["author_name"] == "" and values["brand"] == "Acme Coffee"
    with pytest.raises(UnfillableVariable):
        render("Thanks {author_name}", values)
