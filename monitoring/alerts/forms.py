"""The alert-rule form of the setup pages: conditions, delivery, flood control, a write-only webhook key."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from monitoring.alerts.models import AlertRule, SlaKind
from monitoring.alerts.secrets import encrypt_secret
from monitoring.queries.models import MonitoredQuery


class _QueryChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MonitoredQuery) -> str:
        return f"{obj.brand.name}: {obj.name}"


class AlertRuleForm(forms.ModelForm):
    sla_kinds = forms.MultipleChoiceField(
        choices=SlaKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("SLA warnings"),
        help_text=_("Raise the alert when a conversation's first response is at risk or breached."),
    )
    webhook_secret = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        label=_("Webhook signing key"),
        help_text=_(
            "Signs each webhook (X-Promptly-Signature, HMAC-SHA256). Stored encrypted, never shown again; "
            "leave empty to keep the current key."
        ),
    )
    clear_webhook_secret = forms.BooleanField(required=False, label=_("Remove the signing key"))

    class Meta:
        model = AlertRule
        fields = [
            "brand",
            "name",
            "enabled",
            "queries",
            "negative_sentiment",
            "min_author_followers",
            "spike_count",
            "spike_window_minutes",
            "sla_kinds",
            "crisis_spikes",
            "notify_in_app",
            "email_recipients",
            "webhook_url",
            "throttle_minutes",
            "quiet_hours_start",
            "quiet_hours_end",
        ]
        field_classes = {"queries": _QueryChoices}
        widgets = {
            "queries": forms.CheckboxSelectMultiple,
            "email_recipients": forms.TextInput(attrs={"placeholder": "oncall@example.com, lead@example.com"}),
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}),
        }
        labels = {"min_author_followers": "Author has at least N followers", "spike_count": "Volume spike"}

    def __init__(self, *args: Any, brands: QuerySet[Brand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        brands = brands if brands is not None else Brand.objects.none()
        brand_field: forms.ModelChoiceField[Brand] = self.fields["brand"]  # type: ignore[assignment]
        brand_field.queryset = brands
        query_field: _QueryChoices = self.fields["queries"]  # type: ignore[assignment]
        query_field.queryset = MonitoredQuery.objects.filter(brand__in=brands).select_related("brand")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        brand, queries = cleaned.get("brand"), cleaned.get("queries") or []
        foreign = [query.name for query in queries if brand is not None and query.brand_id != brand.pk]
        if foreign:
            self.add_error("queries", f"Not queries of {brand}: {', '.join(foreign)}.")
        conditions = (
            queries,
            cleaned.get("negative_sentiment"),
            cleaned.get("min_author_followers"),
            cleaned.get("spike_count"),
            cleaned.get("sla_kinds"),
            cleaned.get("crisis_spikes"),
        )
        if not any(conditions):
            raise forms.ValidationError(_("Choose at least one condition, or the rule would fire on every mention."))
        return cleaned

    def save(self, commit: bool = True) -> AlertRule:
        rule: AlertRule = super().save(commit=False)
        if self.cleaned_data.get("clear_webhook_secret"):
            rule.encrypted_webhook_secret = ""
        elif self.cleaned_data.get("webhook_secret"):
            rule.encrypted_webhook_secret = encrypt_secret(self.cleaned_data["webhook_secret"])
        if commit:
            rule.save()
            self.save_m2m()
        return rule
