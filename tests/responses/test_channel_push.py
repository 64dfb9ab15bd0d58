"""Words that push a public conversation elsewhere, in en, es, ru and lt, and text that does not."""

import pytest

from responses.channel_push import channel_pushes


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Please DM us your order number", ["DM us"]),
        ("Or just call us!", ["call us"]),
        ("Write to care@acme.example", ["care@acme.example"]),
        ("Ring +44 20 7946 0958 any time", ["+44 20 7946 0958"]),
        ("Envíanos un mensaje con tu pedido", ["Envíanos un mensaje"]),
        ("Llámanos, por favor", ["Llámanos"]),
        ("Напишите нам в личные сообщения", ["Напишите нам в личные сообщения"]),
        ("Paskambinkite mums darbo metu", ["Paskambinkite mums"]),
        ("Parašykite mums asmeninę žinutę", ["Parašykite mums asmeninę žinutę"]),
    ],
)
def test_pushes_to_another_channel_are_found_as_written(text, found):
    assert channel_pushes(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Thanks @maria, we are on it",
        "Your order #4512 ships on 12.03",
        "We recall useful tips in our FAQ",
        "Sorry about that! The right beans ship today.",
    ],
)
def test_an_ordinary_public_answer_is_not_flagged(text):
    assert channel_pushes(text) == []
