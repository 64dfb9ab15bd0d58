"""Polling of connected accounts: fetch each stream, store what it brought, pause and back off on faults."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from inbox.models import QuarantinedItem
from monitoring.connectors.base import Connector, FetchResult, PlatformUnavailable
from monitoring.connectors.registry import connector_for
from monitoring.connectors.retry import Retrying
from monitoring.models import ChannelAccount, StreamCursor

logger = logging.getLogger(__name__)

# One poll reads at most this many pages of a stream, so one busy account never starves the others.
MAX_PAGES_PER_POLL = 50
# Pages a stream has ready are stored together up to this many items, or for this long (see PendingPages).
# Fewer, larger transactions share a page's fixed cost (bench/ingest.py compares them).
COMBINED_MENTIONS = 500
COMBINE_FOR = timedelta(seconds=3)
BACKOFF_BASE = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=15)
MIN_PAUSE = timedelta(seconds=1)


@dataclass
class StreamReport:
    """What one poll of one stream did, for `poll --once` and the logs."""

    account_id: int
    stream: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    pages: int = 0
    paused_until: datetime | None = None
    error: str = ""


def poll_account(account_id: int, *, retrying: Retrying | None = None) -> list[StreamReport]:
    """Poll every stream of an enabled account once; pages commit with the cursor, those ready together combined.

    A passing fault is retried within the poll (`retrying`, by default from the settings); one that
    outlasts the retries pauses only its stream (StreamCursor.paused_until), keeping what was fetched.
    """
    account = ChannelAccount.objects.select_related("brand").get(pk=account_id)
    if not account.enabled:
        return []
    connector = connector_for(account, retrying=retrying)
    return [_poll_stream(account, connector, stream) for stream in connector.streams()]


def _poll_stream(account: ChannelAccount, connector: Connector, stream: str) -> StreamReport:
    report = StreamReport(account_id=account.pk, stream=stream)
    cursor, _ = StreamCursor.objects.get_or_create(account=account, stream=stream)
    if cursor.paused_until and cursor.paused_until > timezone.now():
        report.paused_until = cursor.paused_until
        return report
    position = dict(cursor.position)
    pending = PendingPages()
    for _ in range(MAX_PAGES_PER_POLL):
        try:
            result = connector.fetch(stream, position)
        except PlatformUnavailable as fault:
            # What came before the fault is kept; then the stream pauses (storing clears a pause, so first).
            _store_pages(account, stream, pending, report, cursor)
            report.paused_until, report.error = _record_fault(cursor, fault), fault.reason
            break
        report.pages += 1
        pending.add(result)
        if result.fault is not None:
            # What the page had is stored, but the page was cut short: the stream is still failing since
            # its first fault, so a fault met at the same place poll after poll reaches the alert.
            failures, failing_since = cursor.consecutive_failures, cursor.failing_since
            _store_pages(account, stream, pending, report, cursor)
            cursor.consecutive_failures, cursor.failing_since = failures, failing_since
            report.paused_until, report.error = _record_fault(cursor, result.fault), result.fault.reason
            break
        # An empty position keeps the one before, as the stored cursor does.
        position = result.position or position
        if result.has_more and not result.retry_after and not pending.full():
            continue
        _store_pages(account, stream, pending, report, cursor)
        if result.retry_after:
            report.paused_until = _record_fault(
                cursor, PlatformUnavailable("rate limited", retry_after=result.retry_after)
            )
            break
        if not result.has_more:
            break
    _store_pages(account, stream, pending, report, cursor)  # the last pages fetched, when the poll's pages ran out
    return report


class PendingPages:
    """Pages fetched and not yet stored: while a stream has more ready (catching up after a pause or an
    outage), its pages are stored together, in fewer and larger transactions.

    Up to COMBINED_MENTIONS, and no longer than COMBINE_FOR after the first of them was fetched, so a slow
    platform does not hold back what is already here.
    """

    def __init__(self) -> None:
        self.results: list[FetchResult] = []
        self.items = 0
        self.since = 0.0

    def add(self, result: FetchResult) -> None:
        if not self.results:
            self.since = time.monotonic()
        self.results.append(result)
        self.items += len(result.messages) + len(result.quarantined)

    def full(self) -> bool:
        return self.items >= COMBINED_MENTIONS or time.monotonic() - self.since >= COMBINE_FOR.total_seconds()

    def __len__(self) -> int:
        return len(self.results)

    def take(self) -> FetchResult:
        """The pages as one, which moves the cursor to where the last of them left it; none are left pending."""
        results, self.results, self.items = self.results, [], 0
        return combined(results)


def combined(results: list[FetchResult]) -> FetchResult:
    """Consecutive pages of a stream as one batch: every item, and the position and pause of the last page."""
    return FetchResult(
        messages=[message for result in results for message in result.messages],
        quarantined=[item for result in results for item in result.quarantined],
        # An empty position keeps the one before it.
        position=next((result.position for result in reversed(results) if result.position), {}),
        retry_after=results[-1].retry_after,
        has_more=results[-1].has_more,
    )


def _store_pages(
    account: ChannelAccount, stream: str, pending: PendingPages, report: StreamReport, cursor: StreamCursor
) -> None:
    """The pages and the cursor position commit together; ingest_batch also clears the stream's failures."""
    from inbox.services.ingest import ingest_batch

    if not pending:
        return
    ingested = ingest_batch(account=account, stream=stream, result=pending.take())
    report.fetched += ingested.fetched
    report.stored += ingested.stored
    report.duplicates += ingested.duplicates
    report.quarantined += ingested.quarantined
    # Storing the batch cleared the stream's failures (ingest's cursor upsert): a later fault counts from there.
    cursor.consecutive_failures = 0
    cursor.failing_since = None


def backoff(failures: int) -> timedelta:
    """Exponential: 2 s, 4 s, 8 s … capped, so a long outage is retried every few minutes, not hammered."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, failures - 1))


def _record_fault(cursor: StreamCursor, fault: PlatformUnavailable) -> datetime:
    now = timezone.now()
    if fault.retry_after is not None:
        # The platform said when (429 with x-rate-limit-reset): wait exactly that, it is not a failure of ours.
        paused_until = max(fault.retry_after, now + MIN_PAUSE)
    else:
        cursor.consecutive_failures += 1
        paused_until = now + backoff(cursor.consecutive_failures)
    cursor.paused_until = paused_until
    cursor.last_error = fault.reason[:2000]
    if fault.retry_after is None and cursor.failing_since is None:
        cursor.failing_since = now
    cursor.save(update_fields=["paused_until", "consecutive_failures", "last_error", "failing_since", "updated_at"])
    logger.warning("Polling %s/%s paused until %s: %s", cursor.account_id, cursor.stream, paused_until, fault.reason)
    return paused_until


@transaction.atomic
def reprocess_quarantined(*, item_id: int) -> bool:
    """Parse a quarantined item again and ingest it; on failure the item stays with the new reason."""
    from inbox.services.ingest import ingest_batch

    item = QuarantinedItem.objects.select_for_update().select_related("account__brand").get(pk=item_id)
    if item.reprocessed_at is not None:
        return True
    try:
        message = connector_for(item.account).parse_item(item.stream, item.raw)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        item.reason = f"{item.reason} (re-processed {timezone.now():%Y-%m-%d %H:%M} UTC: still {error})"[:2000]
        item.save(update_fields=["reason"])
        return False
    cursor, _ = StreamCursor.objects.select_for_update().get_or_create(account=item.account, stream=item.stream)
    ingest_batch(
        account=item.account, stream=item.stream, result=FetchResult(messages=[message], position=cursor.position)
    )
    item.reprocessed_at = timezone.now()
    item.save(update_fields=["reprocessed_at"])
    return True
