"""A delivery worker killed between the platform's acceptance of a reply and our commit: exactly one reply.

Real Celery workers run as separate processes on this test's database and Redis broker and post through
tweepy / facebook-sdk to the sandbox, which this process serves. The sandbox kills the first worker with
SIGKILL the moment it has committed the brand's post, so the platform holds the reply while the worker
never hears back and never commits `sent`. The broker then hands the unacknowledged task (acks_late) to a
second worker, which must look on the platform before posting again.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.db.models.signals import post_save

from inbox.models import Conversation, DeliveryStatus, Message
from inbox.services.replies import ReplyRequest, do_reply
from inbox.tasks import redeliver_stalled_replies
from sandbox.models import FacebookMessage, Tweet
from tests.inbox import sandbox_channels as channels
from tests.workers import CeleryWorker

pytestmark = pytest.mark.slow


@contextmanager
def killed_when_the_platform_accepts(
    model: type, worker: CeleryWorker, is_ours: Callable[[Any], bool]
) -> Iterator[None]:
    def accepted(sender: type, instance: Any, created: bool, **kwargs: Any) -> None:
        if created and is_ours(instance):
            transaction.on_commit(lambda: os.kill(worker.pid, signal.SIGKILL))

    post_save.connect(accepted, sender=model, weak=False, dispatch_uid="kill-the-delivery-worker")
    try:
        yield
    finally:
        post_save.disconnect(sender=model, dispatch_uid="kill-the-delivery-worker")


def wait_until_sent(message: Message, worker: CeleryWorker, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while Message.objects.get(pk=message.pk).delivery_status != DeliveryStatus.SENT:
        assert worker.process.poll() is None, f"the worker exited:\n{worker.output()}"
        assert time.monotonic() < deadline, f"the reply was not delivered again:\n{worker.output()}"
        time.sleep(0.2)


def replied_and_killed(
    agent: Any, conversation: Conversation, worker: CeleryWorker, model: type, is_ours: Callable[[Any], bool]
) -> Message:
    """The agent replies; the worker that takes the task is killed the moment the platform accepted the reply."""
    with killed_when_the_platform_accepts(model, worker, is_ours):
        # Committed: the delivery task goes to the broker, and the worker takes it.
        text = "So sorry! It is on its way."
        request = ReplyRequest(text=text, idempotency_key=uuid.uuid4())
        message = do_reply(user=agent, conversation_id=conversation.pk, request=request).message
        assert worker.wait_killed() == -signal.SIGKILL, worker.output()
    return message


def _brand_post(conversation: Conversation) -> Callable[[Any], bool]:
    brand_id = int(conversation.account.external_id)
    return lambda tweet: tweet.author_id == brand_id


def _page_message(conversation: Conversation) -> Callable[[Any], bool]:
    return lambda message: message.from_page


KINDS = {
    "x-reply-in-thread": (channels.x_mention, Tweet, _brand_post),
    "messenger": (channels.messenger, FacebookMessage, _page_message),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_reply_is_posted_once_when_the_worker_dies_after_the_platform_accepted_it(celery_workers, agent, kind):
    start_conversation, platform_model, ours = KINDS[kind]
    conversation = start_conversation()
    first = celery_workers()
    first.wait_ready()

    message = replied_and_killed(agent, conversation, first, platform_model, ours(conversation))

    [posted] = channels.brand_answers(conversation)
    message.refresh_from_db()
    assert (message.delivery_status, message.external_id) == (DeliveryStatus.SENDING, None)

    second = celery_workers(PROMPTLY_REDELIVERY_SECONDS="1")  # takes unacknowledged tasks older than 1 s
    wait_until_sent(message, second)

    message.refresh_from_db()
    assert message.external_id == posted.external_id
    assert message.url.startswith("https://")
    assert channels.brand_answers(conversation) == [posted]


def test_a_reply_whose_worker_died_goes_out_again_by_the_sweep_not_after_the_brokers_hour(celery_workers, agent):
    """The broker hands an unacknowledged task out again only after an hour; the sweep (beat runs it twice a
    minute) gives the reply to another worker as soon as the dead worker's lease on it runs out."""
    conversation = channels.x_mention()
    first = celery_workers(PROMPTLY_DELIVERY_LEASE_SECONDS="2")
    first.wait_ready()
    message = replied_and_killed(agent, conversation, first, Tweet, _brand_post(conversation))
    [posted] = channels.brand_answers(conversation)
    second = celery_workers()  # the broker's redelivery time stays an hour
    second.wait_ready()

    deadline = time.monotonic() + 30
    while Message.objects.get(pk=message.pk).delivery_status != DeliveryStatus.SENT:
        assert time.monotonic() < deadline, f"the reply was not delivered again:\n{second.output()}"
        redeliver_stalled_replies()  # what beat runs
        time.sleep(0.5)

    message.refresh_from_db()
    assert message.external_id == posted.external_id
    assert channels.brand_answers(conversation) == [posted]
