"""The monitored-query form of the setup pages."""

from __future__ import annotations

from typing import Any

from django import forms

from brands.models import Brand
from monitoring.queries.models import MonitoredQuery


class MonitoredQueryForm(forms.ModelForm):
    class Meta:
        model = MonitoredQuery
        fields = ["brand", "name", "query", "languages", "channels", "enabled"]
        widgets = {"query": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})}

    def __init__(self, *args: Any, brands: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the brands the admin works on can be chosen.
        brand_field: forms.ModelChoiceField[Brand] = self.fields["brand"]  # type: ignore[assignment]
        brand_field.queryset = brands if brands is not None else Brand.objects.none()
