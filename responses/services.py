"""Saved replies: creating and changing them, choosing the variant for a conversation, filling it in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from brands.models import Brand
from monitoring.models import Platform
from responses.models import Category, ResponseSettings, SavedReply
from responses.rendering import check_variables

if TYPE_CHECKING:
    from accounts.models import User
    from inbox.models import Conversation


def check_saved_reply(saved: SavedReply) -> None:
    """Model validation plus the variables; raises ValidationError keyed by field, with the position."""
    errors: dict[str, list[ValidationError]] = {}
    try:
        saved.full_clean()
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        check_variables(saved.text)
    except ValidationError as error:
        errors.setdefault("text", []).append(error)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_saved_reply(
    *, brand: Brand, title: str, text: str, language: str = "", category: str = Category.ANSWER
) -> SavedReply:
    """Create a saved reply (or another language's variant of one); ValidationError for bad input."""
    saved = SavedReply(brand=brand, title=title, text=text, language=language.strip().lower(), category=category)
    check_saved_reply(saved)
    saved.save()
    return saved


def count_use(saved_reply_id: int) -> None:
    SavedReply.objects.filter(pk=saved_reply_id).update(usage_count=F("usage_count") + 1)


def default_language(brand_id: int) -> str:
    found = ResponseSettings.objects.filter(brand_id=brand_id).values_list("default_language", flat=True).first()
    return found or ""


def choose_variant(variants: Iterable[SavedReply], *, language: str, fallback: str) -> SavedReply | None:
    """The variant for a conversation: its own language, then one for any language, then the fallback's."""
    by_language = {v.language: v for v in variants}
    for choice in (language, "", fallback):
        if choice in by_language:
            return by_language[choice]
    return None


def variables_for(conversation: Conversation, *, agent: User | None) -> dict[str, str]:
    """What the customer's, brand's and agent's variables become in this conversation (empty: unknown)."""
    author = conversation.author
    name = handle = ""
    if author is not None:
        name = author.name or author.handle
        handle = f"@{author.handle}" if author.platform == Platform.X and author.handle else author.handle or name
    return {
        "author_name": name,
        "handle": handle,
        "brand": conversation.brand.name,
        "agent_first_name": agent.first_name if agent is not None else "",
    }


def variant_for(saved: SavedReply, *, language: str, strict: bool) -> SavedReply | None:
    """The variant of the saved reply (same brand and title) for a conversation in `language`.

    strict (bulk acknowledgement): only the conversation's own language or a variant for any language;
    the brand's default is used only when the conversation's language is unknown. Otherwise (the
    composer) the brand's default language comes last.
    """
    variants = list(SavedReply.objects.filter(brand_id=saved.brand_id, title=saved.title))
    fallback = "" if strict and language else default_language(saved.brand_id)
    return choose_variant(variants, language=language, fallback=fallback)
