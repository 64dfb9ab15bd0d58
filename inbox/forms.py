"""Forms of the inbox pages: the queue's filters, status, assignment, tags, notes, bulk actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from inbox.models import Sentiment, Status
from inbox.selectors import QueueFilters, SlaState, Sort
from monitoring.models import Platform

STATUS_CHOICES = [("open_work", "Open work"), *Status.choices, ("all", "All")]
MAX_SEARCH_LENGTH = 200


class QueueFilterForm(forms.Form):
    """The queue's query string, validated; the API lists reuse it for the same filters."""

    brand = forms.IntegerField(required=False, min_value=1)
    channel = forms.ChoiceField(required=False, choices=[("", "Any channel"), *Platform.choices])
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    assignee = forms.RegexField(required=False, regex=r"^(me|unassigned|anyone|\d{1,12})$")
    team = forms.IntegerField(required=False, min_value=1)
    sentiment = forms.ChoiceField(required=False, choices=[("", "Any sentiment"), *Sentiment.choices])
    language = forms.RegexField(required=False, regex=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", max_length=8)
    min_priority = forms.IntegerField(required=False, min_value=0, max_value=32767)
    tag = forms.IntegerField(required=False, min_value=1)
    query = forms.IntegerField(required=False, min_value=1)
    sla = forms.ChoiceField(required=False, choices=[("", "Any SLA state")] + [(s.value, s.label) for s in SlaState])
    q = forms.CharField(required=False, max_length=MAX_SEARCH_LENGTH, strip=True)
    sort = forms.ChoiceField(
        required=False,
        choices=[(Sort.URGENT.value, "Most urgent"), (Sort.NEWEST.value, "Newest"), (Sort.PRIORITY.value, "Priority")],
    )

    def to_filters(self) -> QueueFilters:
        """The filters asked for; call after is_valid() (invalid fields fall back to their default)."""
        data: dict[str, Any] = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return QueueFilters(
            brand=data.get("brand"),
            channel=data.get("channel") or "",
            status=data.get("status") or "open_work",
            assignee=data.get("assignee") or "anyone",
            team=data.get("team"),
            sentiment=data.get("sentiment") or "",
            language=data.get("language") or "",
            min_priority=data.get("min_priority"),
            tag=data.get("tag"),
            matched_query=data.get("query"),
            sla=SlaState(data["sla"]) if data.get("sla") else None,
            search=data.get("q") or "",
            sort=Sort(data.get("sort") or Sort.URGENT),
        )


SNOOZE_CHOICES = [(60, "1 hour"), (240, "4 hours"), (1440, "1 day"), (4320, "3 days"), (10080, "1 week")]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    snooze_minutes = forms.TypedChoiceField(required=False, coerce=int, choices=SNOOZE_CHOICES, empty_value=None)


class AssignForm(forms.Form):
    assignee = forms.IntegerField(required=False, min_value=1)
    team = forms.IntegerField(required=False, min_value=1)


class TagForm(forms.Form):
    name = forms.CharField(max_length=50)


class NoteForm(forms.Form):
    text = forms.CharField(max_length=5000, widget=forms.Textarea)


class BulkForm(forms.Form):
    action = forms.CharField(max_length=40)
    conversation_ids = forms.CharField(max_length=20000)
    params = forms.JSONField(required=False)

    def clean_conversation_ids(self) -> list[int]:
        raw = self.cleaned_data["conversation_ids"]
        try:
            ids = sorted({int(part) for part in raw.split(",") if part.strip()})
        except ValueError as error:
            raise forms.ValidationError(_("Select conversations from the list.")) from error
        if not ids:
            raise forms.ValidationError(_("Select at least one conversation."))
        if len(ids) > 500:
            raise forms.ValidationError(_("Select at most 500 conversations at once."))
        return ids
