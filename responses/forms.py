"""Forms of the responses pages: saved replies, offers, the brand's approval rules, decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from brands.models import Brand
from responses.models import Offer, ResponseSettings, SavedReply
from responses.offers import CodeSource, OfferRefused, read_codes_csv
from responses.rendering import check_variables

MAX_CSV_BYTES = 5 * 1024 * 1024
# An offer's own fields, as the page and the API take them.
OFFER_FIELDS = [
    "brand",
    "name",
    "gives",
    "shared_code",
    "message",
    "expires_on",
    "per_agent_daily",
    "per_customer",
    "per_customer_window_days",
    "budget",
]


class _BrandScoped(forms.ModelForm):
    def __init__(self, *args: Any, brands: QuerySet[Brand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "brand" in self.fields:
            brand_field: forms.ModelChoiceField[Brand] = self.fields["brand"]  # type: ignore[assignment]
            brand_field.queryset = brands if brands is not None else Brand.objects.none()


class SavedReplyForm(_BrandScoped):
    class Meta:
        model = SavedReply
        fields = ["brand", "title", "language", "category", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def clean_language(self) -> str:
        return str(self.cleaned_data.get("language") or "").strip().lower()

    def clean_text(self) -> str:
        text = str(self.cleaned_data.get("text") or "")
        check_variables(text)
        return text


class OfferForm(_BrandScoped):
    """A new offer: its codes come from a CSV, are generated with a prefix, or are one shared code."""

    codes_file = forms.FileField(required=False, help_text=_("A CSV with a `code` column: single-use codes."))
    generate = forms.IntegerField(required=False, min_value=1, max_value=100_000, help_text=_("Or generate N codes…"))
    code_prefix = forms.CharField(required=False, max_length=20, help_text=_("…with this prefix, e.g. SORRY-."))

    class Meta:
        model = Offer
        fields = OFFER_FIELDS
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}), "message": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.instance.pk:
            return cleaned
        upload = cleaned.get("codes_file")
        try:
            codes = read_codes_csv(_read_upload(upload)) if upload else ()
        except OfferRefused as refused:
            self.add_error("codes_file", refused.message)
            return cleaned
        self.source = CodeSource(
            codes=codes,
            generate=cleaned.get("generate") or 0,
            prefix=cleaned.get("code_prefix") or "",
            shared_code=cleaned.get("shared_code") or "",
        )
        return cleaned


def _read_upload(upload: Any) -> str:
    if upload.size > MAX_CSV_BYTES:
        raise OfferRefused("The CSV is larger than 5 MB; split it.")
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise OfferRefused("The CSV is not UTF-8 text.") from error


class OfferLimitsForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = ["gives", "message", "expires_on", "per_agent_daily", "per_customer", "per_customer_window_days"]
        fields += ["budget"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}), "message": forms.Textarea(attrs={"rows": 2})}


class ResponseSettingsForm(forms.ModelForm):
    class Meta:
        model = ResponseSettings
        fields = ["default_language", "trainees", "negative_follower_threshold", "approval_words", "crisis_free_text"]
        widgets = {"approval_words": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, members: QuerySet[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        trainees: forms.ModelMultipleChoiceField[User] = self.fields["trainees"]  # type: ignore[assignment]
        trainees.queryset = members if members is not None else User.objects.none()
        trainees.required = False


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    text = forms.CharField(required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(required=False, max_length=2000)
