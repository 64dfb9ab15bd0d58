"""Small helpers every connector uses to turn hostile platform JSON into bounded, typed values."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from monitoring.connectors.base import QuarantinedPayload

MAX_TEXT = 20_000
MAX_RAW = 100_000
MAX_ID = 500


LINK_SCHEME = re.compile(r"\bhttps?://", re.IGNORECASE)


def comparable_text(text: str) -> str:
    """A text as two copies of one post compare: composed Unicode, collapsed whitespace, links without
    their scheme (a platform may add "http://" to a bare link it turns into one)."""
    return " ".join(LINK_SCHEME.sub("", unicodedata.normalize("NFC", text)).split())


class ItemError(ValueError):
    """One item cannot be parsed: it goes to quarantine, the rest of its batch goes on."""


def bounded_text(value: Any, limit: int = MAX_TEXT) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse_time(value: Any) -> datetime:
    """ISO 8601 (X, feeds) or Graph's +0000 form, in UTC; a missing time is 'now' (we saw it now)."""
    if value is None or value == "":
        return timezone.now()
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (ValueError, OverflowError, OSError) as error:
            raise ItemError(f"time {value!r} is out of range") from error
    if not isinstance(value, str):
        raise ItemError(f"time {value!r} is not a timestamp")
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # Graph writes +0000
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError) as error:
        raise ItemError(f"time {value[:40]!r} cannot be read") from error


def quarantine(item: Any, users: dict[str, Any], reason: str) -> QuarantinedPayload:
    """Keep the item with the expansions it needs, so it can be parsed again later."""
    wanted = {str(item.get("author_id")), str(item.get("sender_id"))} if isinstance(item, dict) else set()
    related = {user_id: user for user_id, user in users.items() if user_id in wanted}
    raw = json.dumps({"item": item, "users": related}, default=str)
    return QuarantinedPayload(raw=raw[:MAX_RAW], reason=reason[:1000], item_id=item_id_of(item, "id"))


def item_id_of(item: Any, *keys: str) -> str:
    """The first usable id among `keys` of a broken item ('' when it has none): it names the item in quarantine."""
    if not isinstance(item, dict):
        return ""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()[:MAX_ID]
    return ""
