"""Facebook webhook deliveries stored together: the deliveries that arrive while a batch is stored go in the next.

A burst of deliveries for one Page used to be stored one transaction each, one at a time; now each
delivery waits for the next batch (all the deliveries waiting then, one transaction per account) and
is answered once its batch committed, so an answer still means stored. One thread per process stores
the batches and keeps its database connection between them (statements stay prepared); a connection
that failed is checked and replaced before the next batch.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model

from brands.models import Brand
from monitoring.connectors.base import FetchResult
from monitoring.connectors.facebook import WEBHOOK_STREAM
from monitoring.models import ChannelAccount, Platform

logger = logging.getLogger(__name__)


@dataclass
class _Delivery:
    """One Page's part of one delivery; `stored` is what the answer reports."""

    page_id: str
    result: FetchResult
    stored: int = 0
    error: BaseException | None = None


@dataclass
class _Waiting:
    deliveries: list[_Delivery]
    done: asyncio.Future[None]


@dataclass
class _Batches:
    """The deliveries waiting in one event loop, and whether a batch is being stored for it."""

    waiting: list[_Waiting] = field(default_factory=list)
    storing: bool = False


_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-batches")
_batches: dict[int, _Batches] = {}
_storing_tasks: set[asyncio.Task[None]] = set()  # a task nobody holds may be collected before it ends


async def store_facebook_delivery(per_page: dict[str, FetchResult]) -> int:
    """Store the delivery's messages with whatever else is waiting; how many were new. Raises what failed."""
    loop = asyncio.get_running_loop()
    batches = _batches.get(id(loop)) or _batches.setdefault(id(loop), _Batches())
    deliveries = [_Delivery(page_id, result) for page_id, result in per_page.items()]
    waiting = _Waiting(deliveries, loop.create_future())
    batches.waiting.append(waiting)
    if not batches.storing:
        batches.storing = True
        task = loop.create_task(_store_while_waiting(batches))
        _storing_tasks.add(task)
        task.add_done_callback(_storing_tasks.discard)
    await waiting.done
    return _outcome(deliveries)


def store_facebook_delivery_here(per_page: dict[str, FetchResult]) -> int:
    """The same for synchronous code, stored in the calling thread without waiting for others."""
    deliveries = [_Delivery(page_id, result) for page_id, result in per_page.items()]
    store_batch(deliveries)
    return _outcome(deliveries)


def _outcome(deliveries: Sequence[_Delivery]) -> int:
    for delivery in deliveries:
        if delivery.error is not None:
            raise delivery.error
    return sum(delivery.stored for delivery in deliveries)


async def _store_while_waiting(batches: _Batches) -> None:
    loop = asyncio.get_running_loop()
    try:
        while batches.waiting:
            taken, batches.waiting = batches.waiting, []
            try:
                await loop.run_in_executor(_executor, store_batch, [d for w in taken for d in w.deliveries])
            finally:
                for waiting in taken:
                    if not waiting.done.done():  # its request may have gone
                        waiting.done.set_result(None)
    finally:
        batches.storing = False


def store_batch(deliveries: Sequence[_Delivery]) -> None:
    """Store the deliveries, one transaction per account; a batch that fails is stored again one delivery at
    a time, so one bad delivery fails only itself."""
    from inbox.services.ingest import ingest_batch

    if connection.connection is not None and connection.errors_occurred and not connection.is_usable():
        connection.close()
    accounts = _accounts_of({delivery.page_id for delivery in deliveries})
    for page_id in {delivery.page_id for delivery in deliveries} - accounts.keys():
        logger.warning("Facebook webhook for Page %s, which no brand has connected", page_id)
    by_page: dict[str, list[_Delivery]] = defaultdict(list)
    for delivery in deliveries:
        by_page[delivery.page_id].append(delivery)
    for page_id, page_deliveries in by_page.items():
        for account in accounts.get(page_id, []):
            groups = [page_deliveries]
            while groups:
                group = groups.pop()
                try:
                    report = ingest_batch(account=account, stream=WEBHOOK_STREAM, result=_merged(group), pushed=True)
                except Exception as error:
                    if len(group) > 1:
                        groups.extend([delivery] for delivery in group)
                        continue
                    logger.exception("storing a Facebook webhook delivery for Page %s failed", page_id)
                    group[0].error = error
                    continue
                _credit(group, set(report.stored_external_ids))


def _accounts_of(page_ids: set[str]) -> dict[str, list[ChannelAccount]]:
    """The enabled Facebook accounts of these Pages, each with its brand (which ingest reads).

    One plain query made into models with `from_db`, without the ORM's query building: it runs for every
    batch, on the way of every delivery to the agents' screens.
    """
    accounts: dict[str, list[ChannelAccount]] = defaultdict(list)
    account_columns, brand_columns = _columns(ChannelAccount), _columns(Brand)
    with connection.cursor() as cursor:
        cursor.execute(_accounts_query(), [Platform.FACEBOOK.value, sorted(page_ids)])
        for row in cursor.fetchall():
            account = ChannelAccount.from_db(connection.alias, account_columns, row[: len(account_columns)])
            account.brand = Brand.from_db(connection.alias, brand_columns, row[len(account_columns) :])
            accounts[account.external_id].append(account)
    return accounts


def _columns(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _accounts_query() -> str:
    account, brand = ChannelAccount._meta.db_table, Brand._meta.db_table
    selected = ", ".join([f'a."{c}"' for c in _columns(ChannelAccount)] + [f'b."{c}"' for c in _columns(Brand)])
    where = 'a."platform" = %s AND a."external_id" = ANY(%s) AND a."enabled"'
    # Names from the models; every value is a parameter.
    return f'SELECT {selected} FROM "{account}" a JOIN "{brand}" b ON b."id" = a."brand_id" WHERE {where}'  # noqa: S608


def _merged(group: Sequence[_Delivery]) -> FetchResult:
    return FetchResult(
        messages=[message for delivery in group for message in delivery.result.messages],
        quarantined=[item for delivery in group for item in delivery.result.quarantined],
    )


def _credit(group: Sequence[_Delivery], stored: set[str]) -> None:
    """Each delivery counts the messages of its own that the batch stored (a message twice in a batch: the first)."""
    for delivery in group:
        for message in delivery.result.messages:
            if message.external_id in stored:
                stored.discard(message.external_id)
                delivery.stored += 1
