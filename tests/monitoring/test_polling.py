"""`poll --once`, the Celery poll task (lock, reschedule) and re-processing quarantined items, against the sandbox."""

import json
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from inbox.models import Message, QuarantinedItem
from monitoring import services
from monitoring.channel_accounts import add_feed_account, add_x_account
from monitoring.models import StreamCursor
from monitoring.services import poll_account, reprocess_quarantined
from monitoring.tasks import poll_account_task
from promptly.celery import app
from sandbox import faults
from sandbox import services as sandbox
from sandbox.models import InjectedFault, Tweet


@pytest.fixture
def x_account(platforms, live_brand):
    credentials = sandbox.create_x_account(username="acme", name="Acme Coffee")
    return add_x_account(
        brand_slug="acme", user_id=credentials.user_id, handle="acme", bearer_token=credentials.bearer_token
    )


def test_poll_once_prints_per_account_and_stream_what_was_ingested(x_account):
    sandbox.post_mention(brand="acme", text="where is my order?", author="ana")
    sandbox.post_mention(brand="acme", text="wrong beans", author="ben")
    out = StringIO()

    call_command("poll", "--once", stdout=out)

    lines = out.getvalue().splitlines()
    assert "acme\tX acme\tmentions: fetched 2, stored 2, duplicates 0, quarantined 0" in lines
    assert any(
        line.startswith("acme\tX acme\tsearch-") and line.endswith(": fetched 0, stored 0, duplicates 0, quarantined 0")
        for line in lines
    )


def test_poll_once_says_when_there_is_nothing_to_poll(db):
    out = StringIO()
    call_command("poll", "--once", stdout=out)
    assert "No enabled accounts to poll" in out.getvalue()


def test_the_task_skips_an_account_another_worker_is_polling(x_account):
    sandbox.post_mention(brand="acme", text="hello", author="ana")
    cache.add(f"poll-lock:{x_account.pk}", "someone-else", timeout=60)
    try:
        poll_account_task(x_account.pk)
        assert not Message.objects.exists()
    finally:
        cache.delete(f"poll-lock:{x_account.pk}")
    poll_account_task(x_account.pk)
    assert Message.objects.count() == 1
    poll_account_task(x_account.pk)  # idempotent: the cursor says there is nothing new
    assert Message.objects.count() == 1


def _queued_polls() -> int:
    with app.connection_for_write() as connection:
        return int(connection.default_channel.client.llen("celery"))  # type: ignore[attr-defined]


def test_a_rate_limited_account_is_rescheduled_for_the_reset_instead_of_sleeping(x_account):
    sandbox.set_faults(rate_429=1.0, reset_seconds=5)
    before = _queued_polls()

    poll_account_task(x_account.pk)

    cursor = StreamCursor.objects.get(account=x_account, stream="mentions")
    assert cursor.paused_until > timezone.now()
    assert _queued_polls() == before + 1


def test_a_quarantined_item_is_re_processed_once_it_can_be_parsed(x_account):
    mention = sandbox.post_mention(brand="acme", text="hello", author="ana")
    sandbox.set_faults(rate_malformed=1.0, seed=3)
    poll_account(x_account.pk)
    item = QuarantinedItem.objects.get(account=x_account)
    assert not Message.objects.exists()

    assert reprocess_quarantined(item_id=item.pk) is False  # still broken: the reason says so
    item.refresh_from_db()
    assert "still" in item.reason

    payload = json.loads(item.raw)
    payload["item"].update({"id": str(mention.id), "created_at": "2026-11-20T10:00:00.000Z"})
    QuarantinedItem.objects.filter(pk=item.pk).update(raw=json.dumps(payload))
    assert reprocess_quarantined(item_id=item.pk) is True
    assert Message.objects.get().external_id == str(mention.id)
    item.refresh_from_db()
    assert item.reprocessed_at is not None
    assert reprocess_quarantined(item_id=item.pk) is True
    assert Message.objects.count() == 1


def test_the_admin_re_process_action_reports_what_happened(client, superuser, x_account):
    from tests.conftest import PASSWORD

    sandbox.post_mention(brand="acme", text="hello", author="ana")
    sandbox.set_faults(rate_malformed=1.0, seed=3)
    poll_account(x_account.pk)
    item = QuarantinedItem.objects.get()
    client.login(username="root", password=PASSWORD)

    answer = client.post(
        "/admin/inbox/quarantineditem/",
        {"action": "reprocess", "_selected_action": [item.pk]},
        follow=True,
    )

    assert "still cannot be parsed" in answer.content.decode()


def test_the_quarantine_page_retries_and_says_what_happened(client, admin_user, x_account):
    sandbox.post_mention(brand="acme", text="hello <b>bold</b>", author="ana")
    sandbox.set_faults(rate_malformed=1.0, seed=3)
    poll_account(x_account.pk)
    item = QuarantinedItem.objects.get()
    client.force_login(admin_user)

    listed = client.get("/settings/quarantine/").content.decode()
    answer = client.post(f"/settings/quarantine/{item.pk}/retry/", follow=True)

    # The raw payload as X served it (its own &lt; entities), escaped once more for the page.
    assert "&amp;lt;b&amp;gt;bold" in listed and "<b>bold</b>" not in listed
    assert "still cannot be parsed" in answer.content.decode()
    client.post(f"/settings/quarantine/{item.pk}/discard/")
    assert "hello" not in client.get("/settings/quarantine/").content.decode()


def test_a_feed_that_is_not_a_feed_pauses_with_a_clear_error(platforms, live_brand):
    account = add_feed_account(brand_slug="acme", url=f"{platforms}/x/2/tweets/search/recent")
    report = poll_account(account.pk)[0]
    assert report.paused_until is not None
    assert report.error


def test_poll_once_names_an_account_whose_tokens_cannot_be_read_and_goes_on(x_account, settings):
    settings.PROMPTLY_URL_ALLOWLIST = ["127.0.0.1:9"]
    add_feed_account(brand_slug="acme", url="http://127.0.0.1:9/feed.xml")
    settings.PROMPTLY_TOKEN_KEY = "a-different-key"
    out, err = StringIO(), StringIO()

    call_command("poll", "--once", stdout=out, stderr=err)

    assert "cannot be decrypted" in err.getvalue()
    assert "feed: fetched 0" in out.getvalue()


def _mentions(count: int) -> list[int]:
    """`count` mentions of @acme by ten customers (three pages of X's 100 for 250); their ids, oldest first."""
    brand = sandbox.x_user(username="acme")
    customers = [sandbox.x_user(username=f"customer{n}") for n in range(10)]
    Tweet.objects.bulk_create(
        Tweet(author=customers[n % 10], text=f"@acme order {n}", lang="en", mentioned_user_ids=[brand.id])
        for n in range(count)
    )
    return sorted(Tweet.objects.filter(mentioned_user_ids__contains=[brand.id]).values_list("id", flat=True))


def _mentions_report(account) -> services.StreamReport:
    return next(report for report in poll_account(account.pk) if report.stream == "mentions")


def _transaction_sizes(account) -> list[int]:
    """How many messages each transaction stored: ingest stamps a batch's messages with one receipt time."""
    return sorted(Counter(Message.objects.filter(account=account).values_list("received_at", flat=True)).values())


def test_pages_a_stream_has_ready_are_stored_together_with_the_cursor(x_account):
    ids = _mentions(250)

    report = _mentions_report(x_account)

    assert (report.pages, report.fetched, report.stored) == (3, 250, 250)
    assert _transaction_sizes(x_account) == [250]
    assert StreamCursor.objects.get(account=x_account, stream="mentions").position == {"since_id": str(ids[-1])}


@pytest.mark.parametrize(
    ("limit", "value", "sizes"),
    [("COMBINED_MENTIONS", 150, [50, 200]), ("COMBINE_FOR", timedelta(0), [50, 100, 100])],
)
def test_combined_pages_commit_once_they_hold_enough_or_have_waited_long_enough(
    x_account, monkeypatch, limit, value, sizes
):
    monkeypatch.setattr(services, limit, value)
    _mentions(250)

    report = _mentions_report(x_account)

    assert (report.pages, report.stored) == (3, 250)
    assert _transaction_sizes(x_account) == sizes


def _seed_failing_request(number: int) -> int:
    """A fault seed under which, at rate_500 0.5, the first `number - 1` read requests pass and the next fails."""
    for seed in range(1000):
        sandbox.set_faults(rate_500=0.5, seed=seed)
        fates = [faults.draw("/probe").failure for _ in range(number)]
        if fates == [""] * (number - 1) + [InjectedFault.Kind.SERVER_ERROR]:
            return seed
    raise AssertionError("no such seed below 1000")


def test_a_fault_after_some_pages_keeps_them_and_pauses_the_stream(x_account, settings):
    settings.PROMPTLY_READ_ATTEMPTS = 1  # the fault outlasts the poll's retries
    ids = _mentions(250)
    # Two earlier faults: the pages stored clear them, so the new one is counted as the first.
    StreamCursor.objects.create(account=x_account, stream="mentions", consecutive_failures=2)
    sandbox.set_faults(rate_500=0.5, seed=_seed_failing_request(3))

    report = _mentions_report(x_account)

    assert (report.pages, report.stored) == (2, 200)
    assert report.paused_until is not None and "500" in report.error
    cursor = StreamCursor.objects.get(account=x_account, stream="mentions")
    assert cursor.consecutive_failures == 1
    sandbox.set_faults()
    StreamCursor.objects.filter(pk=cursor.pk).update(paused_until=None)

    assert _mentions_report(x_account).stored == 50
    assert sorted(int(i) for i in Message.objects.values_list("external_id", flat=True)) == ids
