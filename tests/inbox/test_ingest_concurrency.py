"""Polling and a webhook delivering overlapping pages at the same moment still store each post once, and right."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from inbox.models import Author, Conversation, Message
from inbox.services.ingest import ingest_batch
from tests.inbox.ingest_helpers import author, batch, make_account, post

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_overlapping_batches_store_every_post_exactly_once(brand):
    account = make_account(brand)
    posts = [post(str(n), thread=str(n // 4), by=author(f"u{n % 9}"), minutes=n) for n in range(120)]
    rng = random.Random(3)
    pages = [rng.sample(posts, 80) for _ in range(4)]  # four deliveries, overlapping heavily, in any order
    start = threading.Barrier(len(pages))

    def deliver(page):
        try:
            start.wait(timeout=30)
            return ingest_batch(account=account, stream="webhook", result=batch(*page))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(pages)) as pool:
        reports = list(pool.map(deliver, pages, timeout=120))

    delivered = {message.external_id for page in pages for message in page}
    assert sum(report.stored for report in reports) == len(delivered) == Message.objects.count()
    assert sum(report.duplicates for report in reports) == sum(len(page) for page in pages) - len(delivered)
    # One conversation per customer and place.
    assert Conversation.objects.count() == len(
        {(message.thread_key, message.author.external_id) for page in pages for message in page}
    )
    assert Author.objects.count() == 9


def test_a_post_a_concurrent_batch_stored_under_another_thread_leaves_no_empty_conversation(brand):
    account = make_account(brand)
    stored_elsewhere, commit = threading.Event(), threading.Event()

    def webhook():
        """Stores the post under thread B and keeps its transaction open until told."""
        try:
            with transaction.atomic():
                ingest_batch(account=account, stream="webhook", result=batch(post("m", thread="B")))
                stored_elsewhere.set()
                commit.wait(timeout=30)
        finally:
            connection.close()

    def poll():
        """Brings the same post under thread A: a conversation it creates, then cannot give the post."""
        try:
            return ingest_batch(account=account, stream="mentions", result=batch(post("m", thread="A")))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        held = pool.submit(webhook)
        assert stored_elsewhere.wait(timeout=30)
        polled = pool.submit(poll)
        _wait_for_a_transaction_waiting_on_a_lock()
        commit.set()
        held.result(timeout=60)
        report = polled.result(timeout=60)

    assert (report.stored, report.duplicates) == (0, 1)
    # Without its post, thread A would be a conversation awaiting a reply to nothing.
    assert list(Conversation.objects.values_list("thread_key", flat=True)) == ["B"]
    assert Message.objects.get().conversation.thread_key == "B"


def _wait_for_a_transaction_waiting_on_a_lock() -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the second batch never waited for the first")
