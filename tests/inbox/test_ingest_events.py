"""Browsers hear of ingested conversations through the real Redis channel layer, only after commit."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.db import connection, transaction

from inbox.events import brand_group
from inbox.services.ingest import ingest_batch
from tests.inbox.ingest_helpers import batch, make_account, post

pytestmark = pytest.mark.django_db(transaction=True)


class Listener:
    """A browser's stand-in: its own channel-layer client on its own event loop, subscribed to the brand."""

    def __init__(self, brand_id: int) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.layer = RedisChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
        self.group = brand_group(brand_id)
        self.channel = self._run(self.layer.new_channel())
        self._run(self.layer.group_add(self.group, self.channel))

    def _run(self, coroutine, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def receive(self, timeout: float) -> dict | None:
        async def wait() -> dict | None:
            try:
                return await asyncio.wait_for(self.layer.receive(self.channel), timeout)
            except TimeoutError:
                return None

        return self._run(wait(), timeout + 5)

    def close(self) -> None:
        self._run(self.layer.group_discard(self.group, self.channel))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def in_worker_thread(work):
    """Run `work` as a worker would: its own thread and database connection.

    Playwright's sync API (browser tests) leaves an event loop in the test thread, where
    async_to_sync refuses to run; a worker never has one.
    """

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=60)


@pytest.fixture
def listener(brand):
    listening = Listener(brand.id)
    yield listening
    listening.close()


def test_one_event_per_batch_is_published_only_after_commit(brand, listener):
    account = make_account(brand)

    def ingest_and_commit():
        with transaction.atomic():
            report = ingest_batch(
                account=account, stream="mentions", result=batch(post("1"), post("2"), post("3", thread="1"))
            )
            assert listener.receive(timeout=0.5) is None
        return report

    report = in_worker_thread(ingest_and_commit)
    event = listener.receive(timeout=5)
    assert event is not None
    assert event.pop("event_id") and event == {
        "type": "inbox.event",
        "kind": "conversation.created",
        "conversation_ids": report.conversation_ids,
        "brand_id": brand.id,
    }
    assert len(report.conversation_ids) == 2
    assert listener.receive(timeout=0.5) is None  # one event for the whole batch

    in_worker_thread(lambda: ingest_batch(account=account, stream="mentions", result=batch(post("4", thread="1"))))
    updated = listener.receive(timeout=5)
    assert updated is not None and updated["kind"] == "conversation.updated"


def test_a_rolled_back_batch_publishes_nothing(brand, listener):
    account = make_account(brand)

    def ingest_and_fail():
        with transaction.atomic():
            ingest_batch(account=account, stream="mentions", result=batch(post("1")))
            raise RuntimeError("the worker died before commit")

    with pytest.raises(RuntimeError, match="died before commit"):
        in_worker_thread(ingest_and_fail)
    assert listener.receive(timeout=1) is None
