"""Per-process memo of what a brand has set up (SLA policies, round-robin, listening), valid while its version holds.

PostgreSQL bumps ``monitoring_brand.settings_version`` (migration monitoring 0004) whenever the brand or one
of its settings rows is inserted, changed or deleted, however it happens: admin save, ``QuerySet.update``,
cascade. Ingest reads the version in its first round trip and opens :func:`batch`; inside it, readers of
settings ask :func:`remembered`, which reads once per version instead of once per batch. Outside a batch
every call reads afresh.

The version comes from a sequence, so no value is ever reused: what a rolled-back transaction read can't be
mistaken for a later committed state. Settings read after the version (later in the batch) can only be newer
than it; the next batch then sees a newer version and reads again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

# (brand id, its settings version) as read by the running ingest batch.
_batch_version: ContextVar[tuple[int, int] | None] = ContextVar("brand_settings_version", default=None)
# (what, brand id) -> (settings version, value read under it)
_memo: dict[tuple[str, int], tuple[int, Any]] = {}


def version_query(brand_id: int) -> tuple[str, list[Any]]:
    """The statement (and its parameters) that reads the version; ingest sends it with its first lookup."""
    return "SELECT settings_version FROM monitoring_brand WHERE id = %s", [brand_id]


@contextmanager
def batch(brand_id: int, version: int | None) -> Iterator[None]:
    """Inside this block the brand's settings may be served from memory when their version is `version`."""
    token = _batch_version.set((brand_id, version) if version is not None else None)
    try:
        yield
    finally:
        _batch_version.reset(token)


def remembered(what: str, brand_id: int, read: Callable[[], T]) -> T:
    """`read()`'s answer for this brand, read again only when the brand's settings changed since."""
    known = _batch_version.get()
    if known is None or known[0] != brand_id:
        return read()
    version = known[1]
    entry = _memo.get((what, brand_id))
    if entry is not None and entry[0] == version:
        value: T = entry[1]
        return value
    value = read()
    _memo[(what, brand_id)] = (version, value)
    return value
