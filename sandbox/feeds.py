"""The sandbox's alerts feed: Atom as Google Alerts writes it, with redirect-wrapped links and HTML titles."""

from __future__ import annotations

import hashlib
import urllib.parse
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sandbox.api.common import platform_endpoint
from sandbox.faults import Kind, RequestFaults
from sandbox.models import AlertFeed, FeedEntry

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES_PER_FEED = 50


def failure(faults: RequestFaults) -> HttpResponse:
    if faults.failure == Kind.RATE_LIMIT:
        response = HttpResponse("Too Many Requests", status=429, content_type="text/plain")
        response["Retry-After"] = str(faults.reset_seconds)
        return response
    return HttpResponse("<html><body>Server Error</body></html>", status=500, content_type="text/html")


def google_redirect(article_url: str, entry_id: int) -> str:
    """The link an alert carries: Google's redirector, the real article in its `url` parameter."""
    digest = hashlib.sha256(f"{entry_id}".encode()).hexdigest()
    query = urllib.parse.urlencode(
        {
            "rct": "j",
            "sa": "t",
            "url": article_url,
            "ct": "ga",
            "cd": f"CAIyGj{digest[:18]}",
            "usg": f"AOvVaw{digest[18:42]}",
        }
    )
    return f"https://www.google.com/url?{query}"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def atom_document(feed: AlertFeed, entries: list[FeedEntry]) -> bytes:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "id", f"tag:google.com,2005:reader/user/sandbox/state/com.google/alerts/{feed.pk}")
    _text(root, "title", f"Google Alert - {feed.term}")
    ET.SubElement(
        root, f"{{{ATOM}}}link", {"href": f"https://www.google.com/alerts/feeds/sandbox/{feed.slug}", "rel": "self"}
    )
    updated = entries[0].published if entries else timezone.now()
    _text(root, "updated", updated.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for entry in entries:
        item = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(item, "id", f"tag:google.com,2013:googlealerts/feed:{entry.pk}")
        # type="html": the markup travels escaped inside the element, as Google sends it.
        _text(item, "title", entry.title_html, type="html")
        ET.SubElement(item, f"{{{ATOM}}}link", {"href": google_redirect(entry.article_url, entry.pk)})
        _text(item, "published", entry.published.strftime("%Y-%m-%dT%H:%M:%SZ"))
        _text(item, "updated", entry.published.strftime("%Y-%m-%dT%H:%M:%SZ"))
        _text(item, "content", entry.summary_html, type="html")
        author = ET.SubElement(item, f"{{{ATOM}}}author")
        _text(author, "name", "")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


@platform_endpoint(failure)
def alert_feed(request: HttpRequest, slug: str, *, faults: RequestFaults) -> HttpResponse:
    """GET /sandbox/feeds/<slug>.xml: the newest entries of an alerts feed."""
    feed = get_object_or_404(AlertFeed, slug=slug)
    entries = list(feed.entries.order_by("-published", "-pk")[:ENTRIES_PER_FEED])
    return HttpResponse(atom_document(feed, entries), content_type="application/atom+xml; charset=utf-8")
