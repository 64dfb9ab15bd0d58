"""Template helpers of the inbox: safe outbound links, SLA countdowns, the queue's rows, moderation buttons."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from inbox.models import CLOSED
from inbox.services.moderation import offered
from monitoring.connectors.base import Moderation
from monitoring.models import Platform

register = template.Library()

MAX_URL_LENGTH = 2000


@register.filter
def safe_link(url: str | None) -> str:
    """The URL when it is an absolute http(s) link to a host, else "" (never javascript:, data:, …)."""
    if not url or len(url) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return ""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url


# In sandbox mode the platforms are the sandbox's: a link to x.com or facebook.com would show something else.
_SANDBOX_PAGES = (
    (re.compile(r"^https://(?:x|twitter)\.com/(\w{1,15})/status/(\d{1,25})$"), "sandbox:x-status"),
    (re.compile(r"^https://www\.facebook\.com/(\d{1,25}_\d{1,25})"), "sandbox:facebook-post"),
)


def sandbox_page(url: str) -> str:
    """The sandbox's own page for a platform link, or "" when it has none (never the real platform's)."""
    for pattern, name in _SANDBOX_PAGES:
        match = pattern.match(url)
        if match:
            try:
                return reverse(name, args=match.groups())
            except NoReverseMatch:  # the sandbox is not mounted: nothing to link to
                return ""
    return ""


@register.filter
def author_link(author: Any) -> str:
    """Where to see the author on their platform: their profile, else their latest message to the brand
    (`latest_url`, from inbox.selectors.person_authors); in sandbox mode the sandbox's page for it."""
    latest = safe_link(getattr(author, "latest_url", "") or "")
    if settings.PROMPTLY_SANDBOX:
        return sandbox_page(latest)
    return safe_link(author.profile_url) or latest


def _span(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(days)d days") % {"days": hours // 24}


@register.filter
def countdown(due: dt.datetime | None) -> str:
    """'due in 25 min' / 'overdue by 1 h 05 min' / '' when nothing waits (the page's script keeps it ticking)."""
    if due is None:
        return ""
    seconds = (due - timezone.now()).total_seconds()
    if seconds > 0:
        return _("due in %(span)s") % {"span": _span(seconds)}
    return _("overdue by %(span)s") % {"span": _span(seconds)}


# One queue row. Formatted in Python: the template language was a quarter of the endpoint's time for a page
# of rows; format_html escapes every value as the template did.
_ROW = (
    '<li class="row sla-{sla} status-{status}" id="conv-{pk}" data-id="{pk}" data-url="{url}"'
    ' data-status-url="{url}status/" data-assign-url="{url}assign/" data-order="{order}">\n'
    '  <input type="checkbox" class="pick" value="{pk}" aria-label="{select} {pk}">\n'
    '  <a class="who" href="{url}"><strong class="author-name">{author}</strong>{handle}</a>\n'
    '  <span class="channel badge">{channel}</span>\n'
    '  <span class="snippet">{snippet}</span>\n'
    '  <span class="meta">\n'
    '    <span class="sentiment sentiment-{sentiment}">{sentiment_word}</span>\n'
    "    {language}\n"
    "    {priority}\n"
    '    <span class="status">{status_word}</span>\n'
    "    {due}\n"
    '    <span class="assignee">{owner}</span>\n'
    "    {tags}\n"
    '    <span class="muted brand">{brand}</span>\n'
    "  </span>\n"
    "</li>"
)


# The words a queue row shows for a status or sentiment (lower case, as the row has always shown them).
ROW_WORDS = {
    "new": pgettext_lazy("queue row", "new"),
    "open": pgettext_lazy("queue row", "open"),
    "pending": pgettext_lazy("queue row", "pending"),
    "resolved": pgettext_lazy("queue row", "resolved"),
    "snoozed": pgettext_lazy("queue row", "snoozed"),
    "spam": pgettext_lazy("queue row", "spam"),
    "positive": pgettext_lazy("queue row", "positive"),
    "neutral": pgettext_lazy("queue row", "neutral"),
    "negative": pgettext_lazy("queue row", "negative"),
    "unknown": pgettext_lazy("queue row", "unknown"),
}


def _when(condition: object, template: str, *values: object) -> SafeString:
    return format_html(template, *values) if condition else SafeString("")


def _row(row: Any) -> SafeString:
    shown, state = row.shown, row.sla_state
    if row.status in CLOSED:
        due = SafeString("")  # the status says it is over; the page tells how its clock ended
    elif shown["due_iso"]:
        countdown = '<time class="countdown" datetime="{}" title="{}">{}</time>'
        due = format_html(countdown, shown["due_iso"], state.label, shown["due_text"])
    else:
        due = format_html('<span class="muted">{}</span>', state.label)
    return format_html(
        _ROW,
        select=_("Select conversation"),
        sla=state.value,
        status=row.status,
        status_word=ROW_WORDS.get(row.status, row.status),
        pk=row.pk,
        url=shown["url"],
        order=shown["order"],
        author=shown["author"],
        handle=_when(shown["handle"], ' <span class="muted handle">@{}</span>', shown["handle"]),
        channel=shown["channel"],
        snippet=row.snippet or row.subject or _("(no text)"),
        sentiment=row.sentiment,
        sentiment_word=ROW_WORDS.get(row.sentiment, row.sentiment),
        language=_when(row.language, '<span class="lang">{}</span>', row.language),
        priority=_when(row.priority, '<span class="priority">P{}</span>', row.priority),
        due=due,
        owner=shown["owner"] or _("unassigned"),
        tags=format_html_join("", '<span class="tag">{}</span>', ((tag,) for tag in row.tag_names or ())),
        brand=row.brand_name,
    )


@register.simple_tag
def queue_rows(rows: list[Any]) -> SafeString:
    """The <li> of each queue row (rows prepared by inbox.views.queue._present)."""
    return SafeString("".join(_row(row) for row in rows))


@dataclass(frozen=True)
class ModerationButton:
    action: str
    label: str
    confirm: str = ""  # asked before an action the platform cannot undo


@register.simple_tag
def moderation_buttons(message: Any, account: Any) -> list[ModerationButton]:
    """The moderation buttons of one message of the thread (none for the brand's own or private ones)."""
    labels = {
        Moderation.HIDE: _("Hide reply") if account.platform == Platform.X else _("Hide"),
        Moderation.UNHIDE: _("Unhide reply") if account.platform == Platform.X else _("Unhide"),
        Moderation.LIKE: _("Like"),
        Moderation.UNLIKE: _("Unlike"),
        Moderation.DELETE: _("Delete"),
    }
    confirm = {Moderation.DELETE: _("Delete this comment on Facebook? It cannot be undone.")}
    return [ModerationButton(action, labels[action], confirm.get(action, "")) for action in offered(message, account)]
