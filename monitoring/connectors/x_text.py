"""X text as the person wrote it: X serves `&`, `<`, `>` as entities and every link as a t.co link.

X escapes exactly three characters (`&amp;`, `&lt;`, `&gt;`) and replaces each link with a
t.co link whose original sits in `entities.urls[].expanded_url`. Decoding happens in one pass
over the served text, so an expanded URL is inserted as it is and never decoded a second time,
and "&amp;amp;" comes back as the "&amp;" the person typed. Entity indices are not used: X
counts them differently from Python, and the t.co link itself names the entity it belongs to.
"""

from __future__ import annotations

import re
from typing import Any

ESCAPED = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}
SERVED = re.compile(r"&amp;|&lt;|&gt;|https?://t\.co/[A-Za-z0-9]+")


def expanded_urls(entities: Any) -> dict[str, str]:
    """t.co link -> the link the person wrote, for the well-formed entries of entities.urls."""
    urls = entities.get("urls") if isinstance(entities, dict) else None
    expanded: dict[str, str] = {}
    for entry in urls if isinstance(urls, list) else []:
        if not isinstance(entry, dict):
            continue
        short, original = entry.get("url"), entry.get("expanded_url")
        if isinstance(short, str) and isinstance(original, str) and original:
            expanded[short] = original
    return expanded


def decode_x_text(text: str, entities: Any) -> str:
    """The text of a post or DM as its author wrote it, from the text and entities X served."""
    expanded = expanded_urls(entities)

    def original(match: re.Match[str]) -> str:
        served = match.group(0)
        return ESCAPED.get(served) or expanded.get(served, served)

    return SERVED.sub(original, text)
