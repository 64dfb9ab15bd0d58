"""A brand's past as minute counts (what the rollup holds after weeks of ingest), and surges through real ingest."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from brands.models import Brand
from crisis.models import ALL_CHANNELS, MinuteCount
from inbox.services.ingest import ingest_batch
from monitoring.models import ChannelAccount
from tests.crisis.series import generate
from tests.inbox.ingest_helpers import author, batch, post


def store_history(
    brand: Brand, *, weeks: int, until: datetime, seed: int = 0, query_id: int = ALL_CHANNELS, share: float = 1.0
) -> None:
    """Normal traffic (tests.crisis.series), or `share` of it for a monitored query."""
    start = until - timedelta(weeks=weeks)
    series = generate(weeks, seed=seed, start=start, growth=lambda minute: share)
    MinuteCount.objects.bulk_create(
        MinuteCount(brand=brand, query_id=query_id, minute=minute, mentions=mentions, negative=negative)
        for minute, (mentions, negative) in series.items()
    )


def ingest_complaints(account: ChannelAccount, *, at: datetime, count: int, text: str, prefix: str = "c") -> None:
    """`count` posts spread over the ten minutes before `at`, by seven authors, through ingest."""
    posts = [
        replace(
            post(f"{prefix}{index}", text=f"{text} {index}", by=author(f"{prefix}-author-{index % 7}")),
            platform_time=at - timedelta(seconds=600 * (index + 1) / (count + 1)),
        )
        for index in range(count)
    ]
    ingest_batch(account=account, stream="mentions", result=batch(*posts))
