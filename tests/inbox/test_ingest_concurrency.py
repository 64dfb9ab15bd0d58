"""Polling and a webhook delivering overlapping pages at the same moment still store each post once."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

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
    assert Conversation.objects.count() == len({message.thread_key for page in pages for message in page})
    assert Author.objects.count() == 9
