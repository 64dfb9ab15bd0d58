"""Reconciling a reply whose first attempt left no answer, on each platform, against the sandbox.

Each test leaves a reply as a worker that died mid-delivery leaves it (claimed: sending, its first attempt
recorded) while the platform holds what the test put there, then delivers it again as the sweep does.
Only a copy of the reply posted since its first attempt, in its place, is this reply; anything that leaves
doubt fails with "check on the platform before retrying" and a link, and is never recorded as sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.signals import request_started
from django.utils import timezone

from inbox.models import Conversation, DeliveryStatus, Direction, Message
from inbox.services.delivery import claim, deliver
from monitoring.connectors.base import CHECK_BEFORE_RETRYING
from monitoring.connectors.x import DUPLICATE_REFUSED
from monitoring.models import ChannelAccount
from monitoring.services import poll_account
from sandbox import services as sandbox
from sandbox.models import DirectMessage, FacebookMessage, FacebookPage, XUser
from tests.inbox import sandbox_channels as channels
from tests.inbox.sandbox_channels import held_back, reply

# A link, an ampersand and angle brackets: X serves them back as t.co, &amp;, &lt; and &gt;.
TEXT = "Sorry & thanks <3 Track it at https://acme.example/track?o=1&x=2"
EARLIER = timedelta(minutes=3)


def answered(conversation: Conversation) -> str:
    return conversation.messages.get(direction=Direction.INBOUND).external_id or ""


def x_post_copy(conversation: Conversation, text: str, at: datetime | None, other: bool) -> str:
    brand = XUser.objects.get(username="acme")
    parent = sandbox.post_mention(brand="acme", text="late again", author="ana").id if other else answered(conversation)
    return str(sandbox.post_tweet(author=brand, text=text, in_reply_to=int(parent), created_at=at).id)


def x_dm_copy(conversation: Conversation, text: str, at: datetime | None, other: bool) -> str:
    recipient = sandbox.x_user(username="ana") if other else XUser.objects.get(username="dora")
    dm = sandbox.send_dm(sender="acme", recipient=recipient, text=text)
    DirectMessage.objects.filter(pk=dm.pk).update(created_at=at or dm.created_at)
    return str(dm.id)


def facebook_comment_copy(conversation: Conversation, text: str, at: datetime | None, other: bool) -> str:
    comment = answered(conversation)
    if other:
        post = conversation.thread_key
        comment = sandbox.post_comment(on=post, message="Mine too", author="Jonas").graph_id
    return sandbox.post_comment(on=comment, message=text, created_time=at).graph_id


def messenger_copy(conversation: Conversation, text: str, at: datetime | None, other: bool) -> str:
    page = FacebookPage.objects.get(pk=int(conversation.account.external_id))
    customer = conversation.author.external_id if conversation.author else ""
    if other:
        customer = str(sandbox.send_page_message(page_id=page.pk, user="Ben", text="Hi?").conversation.user_id)
    sent = sandbox.page_reply_message(page=page, recipient_id=customer, text=text)
    FacebookMessage.objects.filter(pk=sent.pk).update(created_time=at or sent.created_time)
    return sent.graph_id


@dataclass(frozen=True)
class Platform:
    start: Callable[[], Conversation]
    # The brand's post of `text` on the platform: in the reply's place, or answering another customer.
    copy: Callable[[Conversation, str, datetime | None, bool], str]


PLATFORMS = {
    "x-post": Platform(channels.x_mention, x_post_copy),
    "x-dm": Platform(channels.x_dm, x_dm_copy),
    "facebook-comment": Platform(channels.facebook_comment, facebook_comment_copy),
    "messenger": Platform(channels.messenger, messenger_copy),
}


def first_attempt_lost(agent: Any, conversation: Conversation, text: str = TEXT) -> Message:
    """A reply a worker claimed and then died on: sending, its first attempt recorded, no answer heard."""
    with held_back():
        message = reply(agent, conversation, text)
    assert claim(message_id=message.pk) is False
    return message


def copy_after_first_attempt(agent: Any, kind: str, *, other_customer: bool) -> tuple[Conversation, Message, str]:
    """A conversation, a reply whose first attempt was lost, and then the brand's post of the same words on the
    platform (in the reply's place, or to another customer), polled into the inbox as polling would."""
    platform = PLATFORMS[kind]
    conversation = platform.start()
    message = first_attempt_lost(agent, conversation)
    copy = platform.copy(conversation, TEXT, None, other_customer)
    poll_account(conversation.account_id)
    return conversation, message, copy


def delivered_again(message: Message) -> Message:
    deliver(message_id=message.pk)
    message.refresh_from_db()
    return message


def stored(account: ChannelAccount, external_id: str) -> list[tuple[str, bool]]:
    """What the inbox holds under a platform id: (direction, whether a click of ours sent it)."""
    messages = Message.objects.filter(account=account, external_id=external_id)
    return [(m.direction, m.idempotency_key is not None) for m in messages]


@pytest.mark.parametrize("kind", list(PLATFORMS))
def test_a_reply_the_platform_accepted_before_its_worker_died_is_recorded_not_posted_again(deliver_inline, agent, kind):
    """X serves it back with t.co links and &amp; &lt; &gt;; the copy polled meanwhile becomes ours."""
    conversation, message, accepted = copy_after_first_attempt(agent, kind, other_customer=False)

    message = delivered_again(message)

    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert message.external_id == accepted
    assert [a.external_id for a in channels.brand_answers(conversation)] == [accepted]
    assert stored(conversation.account, accepted) == [(Direction.OUTBOUND, True)]


@pytest.mark.parametrize("kind", list(PLATFORMS))
def test_an_older_identical_post_is_never_taken_for_the_reply(deliver_inline, agent, kind):
    """The same words posted before the reply was first attempted (by hand, or for an earlier conversation)
    are not this reply: it is posted, or on X, which refuses the same words twice, it waits for a person.
    The older post's own record stays as it was."""
    platform = PLATFORMS[kind]
    conversation = platform.start()
    older = platform.copy(conversation, TEXT, timezone.now() - EARLIER, False)
    poll_account(conversation.account_id)
    older_record = stored(conversation.account, older)
    message = first_attempt_lost(agent, conversation)

    message = delivered_again(message)

    assert message.external_id != older
    assert stored(conversation.account, older) == older_record
    answers = [a.external_id for a in channels.brand_answers(conversation)]
    if kind == "x-post":
        assert message.delivery_status == DeliveryStatus.FAILED
        assert message.delivery_error == f"{DUPLICATE_REFUSED} {CHECK_BEFORE_RETRYING}"
        assert message.url == f"https://x.com/i/web/status/{answered(conversation)}"
        assert answers == [older]
    else:
        assert message.delivery_status == DeliveryStatus.SENT
        assert answers == [older, message.external_id]


@pytest.mark.parametrize("kind", list(PLATFORMS))
def test_an_identical_reply_to_another_customer_is_never_taken_for_the_reply(deliver_inline, agent, kind):
    """The same words sent since the first attempt, but to somebody else, are not this reply."""
    conversation, message, elsewhere = copy_after_first_attempt(agent, kind, other_customer=True)
    elsewhere_record = stored(conversation.account, elsewhere)

    message = delivered_again(message)

    assert message.external_id != elsewhere
    assert stored(conversation.account, elsewhere) == elsewhere_record
    if kind == "x-post":
        # X refuses the same words from one account whoever they answer: said as it is, left to a person.
        assert message.delivery_status == DeliveryStatus.FAILED
        assert message.delivery_error == f"{DUPLICATE_REFUSED} {CHECK_BEFORE_RETRYING}"
        assert message.url == f"https://x.com/i/web/status/{answered(conversation)}"
    else:
        assert message.delivery_status == DeliveryStatus.SENT
        assert [a.external_id for a in channels.brand_answers(conversation)] == [elsewhere, message.external_id]


@pytest.mark.parametrize("kind", ["x-dm", "facebook-comment", "messenger"])
def test_two_copies_since_the_first_attempt_leave_the_reply_failed_for_a_person_to_check(deliver_inline, agent, kind):
    platform = PLATFORMS[kind]
    conversation = platform.start()
    message = first_attempt_lost(agent, conversation)
    copies = [platform.copy(conversation, TEXT, None, False) for _ in range(2)]

    message = delivered_again(message)

    assert (message.delivery_status, message.external_id) == (DeliveryStatus.FAILED, None)
    assert message.delivery_error.endswith(CHECK_BEFORE_RETRYING)
    assert message.url.startswith("https://")
    assert [a.external_id for a in channels.brand_answers(conversation)] == copies


@pytest.mark.parametrize("kind", ["x-dm", "facebook-comment", "messenger"])
def test_a_copy_recorded_as_another_clicks_reply_is_not_this_one(deliver_inline, agent, kind):
    """Two clicks sent the same words: the first went out and is recorded; the second's worker died after the
    platform took it. Of the two copies since the first attempt, the recorded one is the first click's."""
    platform = PLATFORMS[kind]
    conversation = platform.start()
    first = reply(agent, conversation, TEXT)
    assert first.delivery_status == DeliveryStatus.SENT
    message = first_attempt_lost(agent, conversation)
    accepted = platform.copy(conversation, TEXT, None, False)

    message = delivered_again(message)

    assert (message.delivery_status, message.external_id) == (DeliveryStatus.SENT, accepted)
    assert stored(conversation.account, first.external_id or "") == [(Direction.OUTBOUND, True)]
    assert [a.external_id for a in channels.brand_answers(conversation)] == [first.external_id, accepted]


def test_x_refusing_a_retry_as_duplicate_content_finds_the_reply_it_already_holds(deliver_inline, agent):
    """The first attempt's post lands on X just after the retry looked for it: X refuses the retry as
    duplicate content, and that refusal means "possibly posted": delivery looks again and records it."""
    conversation = channels.x_mention()
    message = first_attempt_lost(agent, conversation)
    landed: list[str] = []

    def first_attempt_lands(sender: Any, scope: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if scope and scope.get("method") == "POST" and scope.get("path", "").endswith("/x/2/tweets") and not landed:
            landed.append(x_post_copy(conversation, TEXT, None, False))

    request_started.connect(first_attempt_lands, dispatch_uid="first-attempt-lands")
    try:
        message = delivered_again(message)
    finally:
        request_started.disconnect(dispatch_uid="first-attempt-lands")

    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert [message.external_id] == landed
    assert [a.external_id for a in channels.brand_answers(conversation)] == landed
