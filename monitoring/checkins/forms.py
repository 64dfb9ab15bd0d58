"""The shift form of the schedule page: a weekly shift of one brand member, in that person's time zone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from brands.models import Brand
from monitoring.checkins.models import Shift


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_username()} ({obj.time_zone})"


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["brand", "user", "weekday", "starts_at", "ends_at"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
        }
        field_classes = {"user": _PersonChoice}
        labels = {"user": "Person", "starts_at": "From", "ends_at": "Until"}

    def __init__(self, *args: Any, brands: QuerySet[Brand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        brands = brands if brands is not None else Brand.objects.none()
        brand_field: forms.ModelChoiceField[Brand] = self.fields["brand"]  # type: ignore[assignment]
        brand_field.queryset = brands
        user_field: _PersonChoice = self.fields["user"]  # type: ignore[assignment]
        user_field.queryset = User.objects.filter(brands__in=brands, is_active=True).distinct().order_by("username")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        brand, user = cleaned.get("brand"), cleaned.get("user")
        if brand is not None and user is not None and not brand.members.filter(pk=user.pk).exists():
            self.add_error("user", f"{user.get_username()} is not a member of {brand.name}.")
        return cleaned
