"""Polling under load: 5,000 mentions through 500s, 429s and malformed items, and a worker killed mid-batch."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from inbox.models import Message, QuarantinedItem
from monitoring.channel_accounts import add_x_account
from monitoring.models import ChannelAccount, StreamCursor
from monitoring.services import poll_account
from sandbox import services as sandbox
from sandbox.faults import RequestFaults
from sandbox.models import Tweet
from tests.workers import ROOT, worker_env

MENTIONS = 5000
SEED = 11
FAULTS = {"rate_500": 0.10, "rate_429": 0.05, "rate_malformed": 0.02, "reset_seconds": 1, "seed": SEED}


@pytest.fixture
def loud_brand(platforms, live_brand):
    """The brand's X account with 5,000 mentions from 500 customers, and the faults switched on."""
    credentials = sandbox.create_x_account(username="acme", name="Acme Coffee")
    customers = [sandbox.x_user(username=f"customer{n}", followers_count=n) for n in range(500)]
    brand = sandbox.x_user(username="acme")
    Tweet.objects.bulk_create(
        Tweet(
            author=customers[n % 500],
            text=f"@acme order {n} arrived wrong",
            lang="en",
            created_at=timezone.now(),
            mentioned_user_ids=[brand.id],
        )
        for n in range(MENTIONS)
    )
    account = add_x_account(
        brand_slug="acme", user_id=credentials.user_id, handle="acme", bearer_token=credentials.bearer_token
    )
    ChannelAccount.objects.filter(pk=account.pk).update(poll_interval_seconds=1)
    sandbox.set_faults(**FAULTS)
    return account


def mention_ids(account):
    return sorted(Tweet.objects.exclude(author_id=account.external_id).values_list("id", flat=True))


def poll_until_caught_up(account, newest: int, deadline_seconds: float = 150) -> None:
    """What beat does, synchronously: poll, and when a stream is paused come back when it may be asked again."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        cursor = StreamCursor.objects.filter(account=account, stream="mentions").first()
        if cursor and cursor.position == {"since_id": str(newest)}:
            return
        if cursor and cursor.paused_until and cursor.paused_until > timezone.now():
            time.sleep((cursor.paused_until - timezone.now()).total_seconds() + 0.05)
        poll_account(account.pk)
    raise AssertionError("polling did not catch up in time")


def assert_every_mention_once(account, ids):
    malformed = {i for i in ids if RequestFaults(seed=SEED, rate_malformed=0.02).is_malformed(str(i))}
    valid = set(ids) - malformed
    stored = list(Message.objects.filter(account=account).values_list("external_id", flat=True))
    assert len(stored) == len(set(stored)), "a mention was stored twice"
    assert set(stored) == {str(i) for i in valid}
    mentions_quarantine = QuarantinedItem.objects.filter(account=account, stream="mentions")
    assert mentions_quarantine.count() == len(malformed)
    assert 50 < len(malformed) < 160  # about 2 % of 5,000
    cursor = StreamCursor.objects.get(account=account, stream="mentions")
    assert cursor.position == {"since_id": str(max(ids))}


@pytest.mark.slow
def test_5000_mentions_through_faults_are_stored_exactly_once(loud_brand):
    ids = mention_ids(loud_brand)

    poll_until_caught_up(loud_brand, max(ids))

    assert_every_mention_once(loud_brand, ids)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(loud_brand, platforms):
    ids = mention_ids(loud_brand)
    env = worker_env(platforms, PROMPTLY_HTTP_TIMEOUT_SECONDS="1.5")
    for kill_after in (700, 2200):
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "poll"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while Message.objects.filter(account=loud_brand).count() < kill_after:
            assert worker.poll() is None, "the worker died by itself"
            assert time.monotonic() < deadline, "the worker stored too little"
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()

    assert Message.objects.filter(account=loud_brand).count() < len(ids)
    poll_until_caught_up(loud_brand, max(ids))

    assert_every_mention_once(loud_brand, ids)
