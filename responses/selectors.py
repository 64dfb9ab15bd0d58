"""Reads of saved replies: the brand's list, the composer's choices per conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from responses.models import ApprovalStatus, Offer, ReplyApproval, SavedReply
from responses.rendering import render_fillable
from responses.services import choose_variant, default_language, variables_for

if TYPE_CHECKING:
    from accounts.models import User
    from inbox.models import Conversation


def saved_replies_of_brands(brand_ids: list[int]) -> QuerySet[SavedReply]:
    """Saved replies of several brands (the queue's bulk bar), by brand then title."""
    return SavedReply.objects.filter(brand_id__in=brand_ids).select_related("brand").order_by("brand__name", "title")


def composer_saved_replies(conversation: Conversation, *, agent: User) -> list[dict[str, Any]]:
    """One entry per saved reply of the brand, in the variant for this conversation, filled in where it can be.

    Variables without a value (an offer not attached yet, a name the platform withheld) stay in braces:
    sending refuses them, so nothing goes half filled in.
    """
    fallback = default_language(conversation.brand_id)
    by_title: dict[str, list[SavedReply]] = {}
    for saved in SavedReply.objects.filter(brand_id=conversation.brand_id).order_by("title", "id"):
        by_title.setdefault(saved.title, []).append(saved)
    values = variables_for(conversation, agent=agent)
    chosen = []
    for variants in by_title.values():
        variant = choose_variant(variants, language=conversation.language, fallback=fallback)
        if variant is not None:
            chosen.append(
                {
                    "pk": variant.pk,
                    "title": variant.title,
                    "language": variant.language,
                    "category": variant.category,
                    "text": render_fillable(variant.text, values),
                }
            )
    return chosen


def composer_offers(conversation: Conversation) -> list[Offer]:
    """The brand's offers an agent may attach now (not expired), by name."""
    today = timezone.now().date()
    return list(
        Offer.objects.filter(brand_id=conversation.brand_id)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .order_by("name", "id")
    )


def waiting_approval(conversation: Conversation) -> ReplyApproval | None:
    """The conversation's reply waiting for a supervisor, if any: the composer shows it after a reload too."""
    return (
        ReplyApproval.objects.filter(conversation=conversation, status=ApprovalStatus.PENDING)
        .order_by("-created_at", "-id")
        .first()
    )
