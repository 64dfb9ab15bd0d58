"""The OpenAPI description of the conversation list's query string, read from the queue page's own form.

The list parses its filters with `inbox.forms.QueueFilterForm`, so the schema is generated from that
form too: a filter added to the page appears in the API and its documentation at once.
"""

from __future__ import annotations

from typing import cast

from django import forms
from drf_spectacular.utils import OpenApiParameter

from inbox.api.serializers import MAX_PAGE_SIZE
from inbox.forms import QueueFilterForm
from inbox.selectors import PAGE_SIZE

# What each filter means; the names, types and allowed values come from the form.
FILTER_DESCRIPTIONS = {
    "brand": "A brand id (default: every brand you belong to).",
    "channel": "The platform the conversation came from.",
    "status": "open_work (new and open, the default), a status, or all.",
    "assignee": "me, unassigned, anyone (default) or a person's id.",
    "team": "A team id.",
    "sentiment": "The conversation's sentiment.",
    "language": "A language code such as en or es.",
    "min_priority": "Only conversations at least this urgent (0-100).",
    "tag": "A tag id.",
    "query": "A monitored query id: conversations with a message it matched.",
    "sla": "The first-response SLA state.",
    "q": "Full-text search over message text and author (accents optional).",
    "sort": "urgent (first response due soonest, the default), newest, or priority.",
}


def _parameter(name: str, field: forms.Field) -> OpenApiParameter:
    kind: type = int if isinstance(field, forms.IntegerField) else str
    choices = cast(list[tuple[str, str]], field.choices) if isinstance(field, forms.ChoiceField) else []
    enum = [value for value, _ in choices if value] or None
    pattern = field.regex.pattern if isinstance(field, forms.RegexField) else None
    return OpenApiParameter(name, kind, description=FILTER_DESCRIPTIONS.get(name, ""), enum=enum, pattern=pattern)


def queue_list_parameters() -> list[OpenApiParameter]:
    """Every filter of the queue page, then the page's cursor and length."""
    filters = [_parameter(name, field) for name, field in QueueFilterForm.base_fields.items()]
    return [
        *filters,
        OpenApiParameter("cursor", str, description="next_cursor of the previous page."),
        OpenApiParameter("limit", int, description=f"Page length: 1 to {MAX_PAGE_SIZE}, default {PAGE_SIZE}."),
    ]
