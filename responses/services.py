"""Creating saved replies and filling them in for one customer."""

from __future__ import annotations

from django.db import transaction

from monitoring.models import Brand
from responses.models import SavedReply


@transaction.atomic
def add_saved_reply(*, brand: Brand, title: str, text: str, language: str = "") -> SavedReply:
    """Create a saved reply; raises ValidationError with a readable message for bad input."""
    saved = SavedReply(brand=brand, title=title, text=text, language=language)
    saved.full_clean()
    saved.save()
    return saved


def fill_in(text: str, *, author_name: str, handle: str) -> str:
    """The text with {author_name} and {handle} replaced.

    Plain replacement, never str.format: a customer's name may hold braces, and format would
    also let a template reach into attributes.
    """
    return text.replace("{author_name}", author_name).replace("{handle}", handle)
