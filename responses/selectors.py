"""Reads of saved replies."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from responses.models import SavedReply


def saved_replies_for(*, brand_id: int, language: str = "") -> QuerySet[SavedReply]:
    """The brand's saved replies, those in the conversation's language first, then language-neutral ones."""
    rank = Case(
        When(language=language, then=Value(0)),
        When(language="", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return SavedReply.objects.filter(brand_id=brand_id).annotate(rank=rank).order_by("rank", "title", "id")


def saved_replies_of_brands(brand_ids: list[int]) -> QuerySet[SavedReply]:
    """Saved replies of several brands (the queue's bulk bar), by brand then title."""
    return SavedReply.objects.filter(brand_id__in=brand_ids).select_related("brand").order_by("brand__name", "title")
