"""Passing faults are retried within a poll: through facebook-sdk, tweepy and requests over real HTTP against the
sandbox, whose faults come in each platform's own error shapes. The waits are recorded, never slept."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from inbox.models import Message
from monitoring.channel_accounts import add_facebook_account, add_feed_account, add_x_account
from monitoring.connectors.retry import Retrying
from monitoring.models import StreamCursor
from monitoring.services import poll_account
from sandbox import faults
from sandbox import services as sandbox
from sandbox.models import InjectedFault

POSTS, COMMENTS_EACH = 20, 5


@pytest.fixture
def busy_page(platforms, live_brand):
    """A Page with 20 posts of 5 comments each: a poll of its posts makes 21 calls."""
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    for n in range(POSTS):
        post = sandbox.publish_page_post(page_id=page.page_id, message=f"post {n}")
        for c in range(COMMENTS_EACH):
            sandbox.post_comment(on=post.graph_id, message=f"comment {c} on post {n}", author=f"fan {c}")
    return add_facebook_account(brand_slug="acme", page_id=page.page_id, page_token=page.page_token)


def comments_stored(account) -> int:
    return Message.objects.filter(account=account, in_reply_to__isnull=False).exclude(in_reply_to="").count()


def server_errors() -> int:
    return InjectedFault.objects.filter(kind=InjectedFault.Kind.SERVER_ERROR).count()


def seed_with_fates(fates: str, rate: float = 0.5) -> None:
    """Set faults with a seed under which the first read requests pass (".") or fail with a 5xx ("x") in turn."""
    wanted = [InjectedFault.Kind.SERVER_ERROR if fate == "x" else "" for fate in fates]
    for seed in range(5000):
        sandbox.set_faults(rate_500=rate, seed=seed)
        if [faults.draw("/probe").failure for _ in fates] == wanted:
            sandbox.set_faults(rate_500=rate, seed=seed)
            return
    raise AssertionError("no such seed")


def test_a_page_poll_under_a_10_percent_fault_rate_stores_every_comment(busy_page):
    sandbox.set_faults(rate_500=0.10, seed=8)
    waits: list[float] = []

    reports = poll_account(busy_page.pk, retrying=Retrying(sleep=waits.append))

    assert comments_stored(busy_page) == POSTS * COMMENTS_EACH
    assert [report.error for report in reports] == [""] * len(reports)
    assert server_errors() >= 3 and len(waits) == server_errors()
    assert all(0.5 <= wait <= 4.0 for wait in waits)


def test_a_fault_that_outlasts_the_retries_keeps_what_was_fetched_and_the_next_poll_resumes(busy_page):
    # The newest posts and four posts' comments are read; the fifth post's comments fail twice.
    seed_with_fates(".....xx")
    failing_since = timezone.now() - timedelta(minutes=7)
    StreamCursor.objects.create(account=busy_page, stream="posts", consecutive_failures=2, failing_since=failing_since)
    waits: list[float] = []

    posts = poll_account(busy_page.pk, retrying=Retrying(attempts=2, sleep=waits.append))[0]

    stored = comments_stored(busy_page)
    assert stored == 4 * COMMENTS_EACH
    assert posts.paused_until is not None and "Facebook" in posts.error
    cursor = StreamCursor.objects.get(account=busy_page, stream="posts")
    assert cursor.position == {}  # it starts again where it stood
    # A poll cut short is no success: the same fault every poll would still reach the alert.
    assert (cursor.consecutive_failures, cursor.failing_since) == (3, failing_since)
    assert waits[0] == 0.5  # the failing read was tried once more

    sandbox.set_faults()
    StreamCursor.objects.filter(pk=cursor.pk).update(paused_until=None)
    poll_account(busy_page.pk, retrying=Retrying(sleep=waits.append))

    assert comments_stored(busy_page) == POSTS * COMMENTS_EACH
    ids = list(Message.objects.filter(account=busy_page).values_list("external_id", flat=True))
    assert len(ids) == len(set(ids))
    cursor.refresh_from_db()
    assert "since" in cursor.position and cursor.consecutive_failures == 0


def test_x_answers_a_5xx_problem_and_the_read_is_retried_within_the_poll(platforms, live_brand):
    credentials = sandbox.create_x_account(username="acme", name="Acme Coffee")
    sandbox.post_mention(brand="acme", text="@acme hello", author="ana")
    account = add_x_account(
        brand_slug="acme", user_id=credentials.user_id, handle="acme", bearer_token=credentials.bearer_token
    )
    seed_with_fates("x.....", rate=0.2)
    waits: list[float] = []

    mentions = poll_account(account.pk, retrying=Retrying(sleep=waits.append))[0]

    assert (mentions.stream, mentions.stored, mentions.error) == ("mentions", 1, "")
    assert waits == [0.5] and server_errors() == 1


def test_a_feed_answering_a_5xx_is_read_again_within_the_poll(platforms, live_brand):
    sandbox.create_feed(slug="acme-alerts", term="Acme")
    sandbox.publish_feed_entry(
        feed="acme-alerts", title="Acme opens a shop", summary="Acme Coffee", article_url="https://news.example.com/a"
    )
    account = add_feed_account(brand_slug="acme", url=f"{platforms}/feeds/acme-alerts.xml")
    seed_with_fates("x..", rate=0.2)
    waits: list[float] = []

    feed = poll_account(account.pk, retrying=Retrying(sleep=waits.append))[0]

    assert (feed.stored, feed.error, waits) == (1, "", [0.5])


def test_a_rate_limit_is_not_retried_but_waited_for(platforms, live_brand):
    credentials = sandbox.create_x_account(username="acme", name="Acme Coffee")
    account = add_x_account(
        brand_slug="acme", user_id=credentials.user_id, handle="acme", bearer_token=credentials.bearer_token
    )
    sandbox.set_faults(rate_429=1.0, reset_seconds=60)
    waits: list[float] = []

    mentions = poll_account(account.pk, retrying=Retrying(sleep=waits.append))[0]

    assert mentions.paused_until is not None and waits == []


class Flaky:
    """A read that fails `times` times with `error`, then answers."""

    def __init__(self, times: int, error: Exception) -> None:
        self.times, self.error, self.calls = times, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.times:
            raise self.error
        return "answer"


def passing(error: Exception) -> bool:
    return isinstance(error, requests.ConnectionError)


def test_waits_double_up_to_the_cap_and_stop_at_the_attempts():
    waits: list[float] = []
    retrying = Retrying(attempts=6, first_wait=1.0, max_wait=5.0, budget=100, sleep=waits.append)

    assert retrying.call(Flaky(5, requests.ConnectionError()), errors=(requests.RequestException,), transient=passing)
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0]
    with pytest.raises(requests.ConnectionError):
        retrying.call(Flaky(6, requests.ConnectionError()), errors=(requests.RequestException,), transient=passing)


def test_a_poll_stops_retrying_once_its_budget_of_waiting_is_spent():
    waits: list[float] = []
    retrying = Retrying(attempts=10, first_wait=2.0, max_wait=2.0, budget=5.0, sleep=waits.append)

    with pytest.raises(requests.ConnectionError):
        retrying.call(Flaky(9, requests.ConnectionError()), errors=(requests.RequestException,), transient=passing)
    assert waits == [2.0, 2.0]


def test_what_is_not_passing_is_raised_at_once():
    waits: list[float] = []
    flaky = Flaky(1, requests.Timeout())

    with pytest.raises(requests.Timeout):
        Retrying(sleep=waits.append).call(flaky, errors=(requests.RequestException,), transient=passing)
    assert (flaky.calls, waits) == (1, [])
