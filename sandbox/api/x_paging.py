"""X's reverse-chronological pages: since_id / until_id bounds, max_results, opaque pagination tokens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime

from sandbox.faults import Kind, RequestFaults

CURSOR_PREFIX = "7140dibdnow9c7btw"
Item = TypeVar("Item", bound=Model)


class InvalidParameter(ValueError):
    def __init__(self, parameter: str, value: str, message: str) -> None:
        super().__init__(message)
        self.parameter, self.value, self.message = parameter, value, message


def encode_token(item_id: int) -> str:
    return CURSOR_PREFIX + _base36(item_id)


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def decode_token(parameter: str, token: str) -> int:
    try:
        if not token.startswith(CURSOR_PREFIX):
            raise ValueError(token)
        return int(token.removeprefix(CURSOR_PREFIX), 36)
    except ValueError:
        raise InvalidParameter(
            parameter, token, f"The `{parameter}` query parameter value [{token}] is not valid"
        ) from None


def _id_param(params: Any, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise InvalidParameter(name, value, f"The `{name}` query parameter value [{value}] is not valid")
    return int(value)


def _time_param(params: Any, name: str) -> datetime | None:
    value = params.get(name)
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None or moment.tzinfo is None:
        raise InvalidParameter(name, value, f"The `{name}` query parameter value [{value}] is not a valid RFC3339 time")
    return moment


@dataclass
class PageRequest:
    max_results: int
    since_id: int | None
    until_id: int | None
    before_id: int | None  # from the pagination token: strictly older than this
    start_time: datetime | None
    end_time: datetime | None

    @classmethod
    def parse(cls, params: Any, *, cursor_param: str, low: int, high: int, default: int) -> PageRequest:
        raw = params.get("max_results") or str(default)
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise InvalidParameter(
                "max_results", raw, f"The `max_results` query parameter value [{raw}] is not between {low} and {high}"
            )
        token = params.get(cursor_param)
        return cls(
            max_results=int(raw),
            since_id=_id_param(params, "since_id"),
            until_id=_id_param(params, "until_id"),
            before_id=decode_token(cursor_param, token) if token else None,
            start_time=_time_param(params, "start_time"),
            end_time=_time_param(params, "end_time"),
        )


@dataclass
class Page(Generic[Item]):
    items: list[Item]
    next_token: str | None


def page_of(
    queryset: QuerySet[Item],
    request: PageRequest,
    faults: RequestFaults,
    *,
    time_field: str = "created_at",
    keep: Callable[[Item], bool] | None = None,
) -> Page[Item]:
    """One page, newest first. A duplicate fault widens the lower or upper bound by one item,
    so the last item of the previous page (or poll) is served again, as X sometimes does."""
    duplicate = faults.duplicate and (request.before_id is not None or request.since_id is not None)
    if request.since_id is not None:
        bound = "id__gte" if duplicate and request.before_id is None else "id__gt"
        queryset = queryset.filter(**{bound: request.since_id})
    if request.before_id is not None:
        queryset = queryset.filter(**{"id__lte" if duplicate else "id__lt": request.before_id})
    if request.until_id is not None:
        queryset = queryset.filter(id__lt=request.until_id)
    if request.start_time is not None:
        queryset = queryset.filter(**{f"{time_field}__gte": request.start_time})
    if request.end_time is not None:
        queryset = queryset.filter(**{f"{time_field}__lt": request.end_time})
    queryset = queryset.order_by("-id")
    wanted = request.max_results + 1
    if keep is None:
        items = list(queryset[:wanted])
    else:
        items = []
        for item in queryset.iterator(chunk_size=500):
            if keep(item):
                items.append(item)
                if len(items) == wanted:
                    break
    more = len(items) > request.max_results
    items = items[: request.max_results]
    repeated = {request.before_id, request.since_id} if duplicate else set()
    for item in items:
        if item.pk in repeated:
            faults.note(Kind.DUPLICATE, str(item.pk))
    return Page(items, encode_token(int(items[-1].pk)) if more and items else None)
