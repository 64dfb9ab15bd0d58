"""Responses listening to the inbox: a failed code message returns its code, a retry takes it back."""

from __future__ import annotations

from typing import Any

from responses.offers import reclaim_code, return_code


def code_message_failed(sender: Any, *, message_id: int, **kwargs: Any) -> None:
    return_code(message_id=message_id)


def code_message_retrying(sender: Any, *, message_id: int, **kwargs: Any) -> None:
    reclaim_code(message_id=message_id)
