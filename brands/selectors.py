"""Reads about brands, always scoped to what a user may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from brands.models import Brand


def brands_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Brand]:
    """The brands a user works on: their memberships (superusers see every brand)."""
    if not user.is_authenticated:
        return Brand.objects.none()
    if getattr(user, "is_superuser", False):
        return Brand.objects.all()
    return Brand.objects.filter(members__pk=user.pk)
