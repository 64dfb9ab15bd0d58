"""Forms of crisis mode: declaring or confirming an incident, writing a playbook version."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crisis.models import Severity, StatementKind
from crisis.services.incidents import check_definition


class IncidentForm(forms.Form):
    title = forms.CharField(max_length=200)
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    definition = forms.CharField(
        max_length=500,
        required=False,
        label=_("Query or terms that define it"),
        help_text='The monitored-query language, e.g. recall OR "saved recipes": matching conversations are linked.',
    )

    def clean_definition(self) -> str:
        return check_definition(self.cleaned_data["definition"])


class PlaybookVersionForm(forms.Form):
    language = forms.CharField(max_length=8, initial="en")
    key_facts = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)
    escalation_contacts = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    steps = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind, label in StatementKind.choices:
            self.fields[f"statement_{kind}"] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
            )

    def statements(self) -> dict[str, str]:
        return {kind: self.cleaned_data.get(f"statement_{kind}", "") for kind in StatementKind.values}
