"""Choosing a saved reply's variant: the conversation's language, any-language, then the brand's default."""

from __future__ import annotations

from responses.models import ResponseSettings
from responses.selectors import composer_saved_replies
from responses.services import add_saved_reply, variant_for
from tests.inbox.threads import account, conversation


def test_the_composer_offers_each_reply_once_in_the_conversations_language_then_the_brand_default(brand, agent):
    ResponseSettings.objects.create(brand=brand, default_language="en")
    add_saved_reply(brand=brand, title="Thanks", text="Thanks {author_name}!", language="en")
    add_saved_reply(brand=brand, title="Thanks", text="¡Gracias {author_name}!", language="es")
    add_saved_reply(brand=brand, title="Sorry", text="Sorry!", language="en")
    spanish = conversation(account(brand), language="es")
    lithuanian = conversation(account(brand), language="lt")
    assert [(s["title"], s["text"]) for s in composer_saved_replies(spanish, agent=agent)] == [
        ("Sorry", "Sorry!"),
        ("Thanks", "¡Gracias Jane Doe!"),
    ]
    assert [s["text"] for s in composer_saved_replies(lithuanian, agent=agent)] == ["Sorry!", "Thanks Jane Doe!"]


def test_a_variant_for_any_language_comes_before_the_default(brand):
    ResponseSettings.objects.create(brand=brand, default_language="en")
    english = add_saved_reply(brand=brand, title="Thanks", text="Thanks!", language="en")
    anywhere = add_saved_reply(brand=brand, title="Thanks", text="🙏")
    assert variant_for(english, language="lt", strict=False) == anywhere
    assert variant_for(anywhere, language="en", strict=False) == english


def test_strict_choice_skips_a_language_without_a_variant_but_an_unknown_language_takes_the_default(brand):
    ResponseSettings.objects.create(brand=brand, default_language="en")
    english = add_saved_reply(brand=brand, title="Thanks", text="Thanks!", language="en")
    assert variant_for(english, language="lt", strict=True) is None
    assert variant_for(english, language="", strict=True) == english
    assert variant_for(english, language="lt", strict=False) == english
