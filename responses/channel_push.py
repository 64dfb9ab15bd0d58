"""Words that push a public conversation to another channel: an e-mail address, a phone number, "DM us".

The practice: answer in public where the customer wrote, unless they must share private data.
The composer asks before a public reply that pushes elsewhere goes out. Phrases in en, es, ru, lt.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Seven or more digits, allowing spaces, dots, dashes and brackets between them, optionally after a +.
PHONE = re.compile(r"(?<![\w@])\+?\(?\d[\d\s().-]{5,}\d(?!\w)")

PHRASES = {
    "en": [
        r"dm us",
        r"dm me",
        r"direct message us",
        r"message us",
        r"send us a (?:private |direct )?message",
        r"inbox us",
        r"call us",
        r"give us a call",
        r"phone us",
        r"e-?mail us",
    ],
    "es": [
        r"escr[ií]benos (?:por|al|un) (?:privado|md|dm|mensaje|correo)",
        r"env[ií]anos un (?:mensaje|md|dm|correo)",
        r"por mensaje (?:privado|directo)",
        r"ll[aá]manos",
        r"cont[aá]ctanos por (?:privado|tel[eé]fono|correo)",
    ],
    "ru": [
        r"напишите нам в (?:личные сообщения|личку|лс|директ)",
        r"в личные сообщения",
        r"в личку",
        r"позвоните нам",
        r"напишите нам на почту",
    ],
    "lt": [
        r"para[šs]ykite mums (?:asmenin[eę] [žz]inut[eę]|privačiai|privaciai|el\. ?pa[šs]tu)",
        r"asmenine [žz]inute",
        r"paskambinkite mums",
        r"ra[šs]ykite mums el\. ?pa[šs]tu",
    ],
}
PHRASE = re.compile(
    r"(?<!\w)(?:" + "|".join(p for phrases in PHRASES.values() for p in phrases) + r")(?!\w)", re.IGNORECASE
)


def channel_pushes(text: str) -> list[str]:
    """What in the text sends the customer elsewhere, as the agent wrote it (empty: nothing)."""
    found = [match.group(0) for match in EMAIL.finditer(text)]
    without_emails = EMAIL.sub(" ", text)
    found += [match.group(0).strip() for match in PHONE.finditer(without_emails)]
    found += [match.group(0) for match in PHRASE.finditer(text)]
    return found


def channel_push_warning(found: list[str]) -> str:
    quoted = ", ".join(f"\u201c{item}\u201d" for item in found[:3])
    return (
        f"This public reply sends the customer to another channel ({quoted}). Answering in public where they "
        "wrote shows everyone the problem is being handled; move to private only when they must share private "
        "details. Send it anyway?"
    )
