"""Creating saved replies and filling them in for one customer."""

from __future__ import annotations

import re

from django.db import transaction

from monitoring.models import Brand
from responses.models import VARIABLES, SavedReply


@transaction.atomic
def add_saved_reply(*, brand: Brand, title: str, text: str, language: str = "") -> SavedReply:
    """Create a saved reply; raises ValidationError with a readable message for bad input."""
    saved = SavedReply(brand=brand, title=title, text=text, language=language)
    saved.full_clean()
    saved.save()
    return saved


VARIABLE = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")


def fill_in(text: str, *, author_name: str, handle: str) -> str:
    """The text with {author_name} and {handle} replaced, in one pass.

    Never str.format: a customer's name may hold braces (even "{handle}", which must stay as
    written), and format would let a template reach into attributes.
    """
    values = {"author_name": author_name, "handle": handle}
    return VARIABLE.sub(lambda match: values[match.group(1)], text)
