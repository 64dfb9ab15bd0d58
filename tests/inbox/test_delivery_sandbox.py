"""Replies delivered through the real connectors (tweepy, facebook-sdk over HTTP) to the sandbox platform.

The delivery task runs in this process when the reply commits (Celery's eager mode): the task, the
connector, the HTTP exchange and the platform are real, only the broker hop is left out. The tests in
test_delivery_worker_killed.py run real worker processes.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from inbox.models import Conversation, DeliveryStatus, Direction, Message, Visibility
from inbox.services.delivery import deliver
from inbox.services.replies import retry_reply
from monitoring.connectors.base import CHECK_BEFORE_RETRYING
from monitoring.connectors.x import DUPLICATE_REFUSED, REPLY_REFUSED
from promptly.celery import app as celery_app
from sandbox import services as sandbox
from sandbox.models import Tweet, XUser
from tests.inbox import sandbox_channels as channels
from tests.inbox.sandbox_channels import held_back, reply


def assert_sent_as_the_one_answer(message: Message, conversation: Conversation, answered: str) -> None:
    """Sent with the platform's id and link, and the sandbox holds exactly that answer, in the right place."""
    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    [answer] = channels.brand_answers(conversation)
    assert message.external_id == answer.external_id
    assert answer.answers == answered
    assert message.url.startswith("https://")


def test_an_x_mention_gets_a_reply_post_in_its_thread(deliver_inline, agent):
    conversation = channels.x_mention()
    mention = conversation.messages.get(direction=Direction.INBOUND)

    message = reply(agent, conversation, "@maria So sorry! The right beans are on their way.")

    assert message.visibility == Visibility.PUBLIC
    assert_sent_as_the_one_answer(message, conversation, answered=mention.external_id)
    assert message.url == f"https://x.com/acme/status/{message.external_id}"
    tweet = Tweet.objects.get(pk=int(message.external_id))
    assert tweet.conversation_id == int(conversation.thread_key)
    assert tweet.text == message.text


def test_an_x_dm_gets_a_dm(deliver_inline, agent):
    conversation = channels.x_dm()
    dora = XUser.objects.get(username="dora")

    message = reply(agent, conversation, "Sorry, Dora! The second charge is refunded.")

    assert message.visibility == Visibility.PRIVATE
    assert_sent_as_the_one_answer(message, conversation, answered=f"dm:{dora.id}")
    low, high = sorted([dora.id, int(conversation.account.external_id)])
    assert message.url == f"https://x.com/messages/{low}-{high}"


def test_a_facebook_comment_gets_a_comment_reply(deliver_inline, agent):
    conversation = channels.facebook_comment()
    comment = conversation.messages.get(direction=Direction.INBOUND)

    message = reply(agent, conversation, "Sorry, Ona! A new bag is on its way.")

    assert message.visibility == Visibility.PUBLIC
    assert_sent_as_the_one_answer(message, conversation, answered=comment.external_id)
    assert message.url == f"https://www.facebook.com/{message.external_id}"


def test_a_messenger_message_gets_a_messenger_answer(deliver_inline, agent):
    conversation = channels.messenger()
    customer = conversation.author.external_id

    message = reply(agent, conversation, "Refunded today, Ana.")

    assert message.visibility == Visibility.PRIVATE
    assert_sent_as_the_one_answer(message, conversation, answered=f"dm:{customer}")
    assert f"selected_item_id={customer}" in message.url


def test_a_facebook_comment_answered_privately_gets_a_private_reply_to_its_author(deliver_inline, agent):
    conversation = channels.facebook_comment()
    ona = conversation.author.external_id

    message = reply(agent, conversation, "Could you send us your order number?", private=True, confirm_private=True)

    assert message.visibility == Visibility.PRIVATE
    assert (message.delivery_status, message.delivery_error) == (DeliveryStatus.SENT, "")
    assert [a.external_id for a in channels.brand_answers(conversation, private=True)] == [message.external_id]
    assert [a.answers for a in channels.brand_answers(conversation, private=True)] == [f"dm:{ona}"]
    assert channels.brand_answers(conversation) == []  # nothing public
    assert f"selected_item_id={ona}" in message.url


def test_an_x_mention_answered_privately_gets_a_dm_to_its_author(deliver_inline, agent):
    conversation = channels.x_mention(author="maria")
    maria = XUser.objects.get(username="maria")

    message = reply(agent, conversation, "Could you DM us your order number?", private=True, confirm_private=True)

    assert (message.visibility, message.delivery_status) == (Visibility.PRIVATE, DeliveryStatus.SENT)
    assert channels.brand_answers(conversation, private=True) == [
        channels.SandboxAnswer(message.external_id, f"dm:{maria.id}")
    ]
    assert channels.brand_answers(conversation) == []


def delivery_fragment(client, agent, message: Message) -> str:
    client.force_login(agent)
    return client.get(reverse("inbox:reply-delivery", args=[message.pk])).content.decode()


def test_x_refusing_a_reply_to_an_untagged_post_fails_with_its_reason_and_the_post(deliver_inline, agent, client):
    conversation = channels.x_untagged_post()
    post = conversation.messages.get(direction=Direction.INBOUND)

    message = reply(agent, conversation, "Sorry to hear that! Can you DM us your order number?")

    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_error == REPLY_REFUSED
    assert message.url == f"https://x.com/i/web/status/{post.external_id}"
    assert channels.brand_answers(conversation) == []
    shown = delivery_fragment(client, agent, message)
    assert "answer this one by hand on X" in shown
    assert f'href="https://x.com/i/web/status/{post.external_id}"' in shown
    assert ">Retry</button>" in shown


def test_messenger_refusing_an_answer_after_24_hours_fails_in_plain_words(deliver_inline, agent, client):
    conversation = channels.messenger(written_at=timezone.now() - timedelta(days=2))

    message = reply(agent, conversation, "Sorry for the wait!")

    assert message.delivery_status == DeliveryStatus.FAILED
    assert "within 24 hours" in message.delivery_error
    assert channels.brand_answers(conversation) == []
    assert "within 24 hours" in delivery_fragment(client, agent, message)


def accepted_but_not_recorded(agent, conversation: Conversation) -> tuple[Message, Tweet]:
    """What a worker that died once X had accepted the reply leaves: our message sending, the post on X."""
    with held_back():
        message = reply(agent, conversation, "@maria On its way!")
    Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.SENDING)
    brand = XUser.objects.get(username="acme")
    return message, sandbox.reply_as(author=brand, text=message.text, in_reply_to=int(conversation.thread_key))


def test_a_reply_the_platform_already_holds_is_recorded_not_posted_again(deliver_inline, agent):
    conversation = channels.x_mention()
    message, already = accepted_but_not_recorded(agent, conversation)

    deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.delivery_status, message.external_id) == (DeliveryStatus.SENT, str(already.id))
    assert len(channels.brand_answers(conversation)) == 1


def test_reconciling_reads_back_through_every_post_since_the_reply_was_written(deliver_inline, agent):
    """A busy account posts many times before a retry comes: its accepted reply is pages back, not on page one."""
    conversation = channels.x_mention()
    message, already = accepted_but_not_recorded(agent, conversation)
    for n in range(150):
        sandbox.post_tweet(author=already.author, text=f"Today's roast, part {n}")

    deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.delivery_status, message.external_id) == (DeliveryStatus.SENT, str(already.id))
    assert [a.external_id for a in channels.brand_answers(conversation) if a.answers] == [str(already.id)]


def test_a_retried_click_with_the_same_text_as_an_earlier_reply_is_not_mistaken_for_it(deliver_inline, agent, client):
    """Reconciling matches text in the same place: an earlier click's reply of the same words is not this one.
    X then refuses the same words a second time, and the agent is told what that refusal means."""
    conversation = channels.x_mention()
    first = reply(agent, conversation, "Thanks!")
    with held_back():
        second = reply(agent, conversation, "Thanks!")
    Message.objects.filter(pk=second.pk).update(delivery_status=DeliveryStatus.FAILED, delivery_error="X answered 503")

    retry_reply(user=agent, message_id=second.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.delivery_status == DeliveryStatus.SENT
    assert (second.delivery_status, second.external_id) == (DeliveryStatus.FAILED, None)
    assert second.delivery_error == f"{DUPLICATE_REFUSED} {CHECK_BEFORE_RETRYING}"
    assert second.url == f"https://x.com/i/web/status/{second.in_reply_to}"
    assert [a.external_id for a in channels.brand_answers(conversation)] == [first.external_id]
    shown = delivery_fragment(client, agent, second)
    assert "Not confirmed" in shown
    assert f'href="{second.url}" target="_blank" rel="noopener noreferrer">Check on the platform</a>' in shown


def test_an_answer_to_a_comment_reply_is_found_again_before_it_is_posted_twice(deliver_inline, agent):
    """Facebook threads one level deep: an answer to a reply sits under the top-level comment, and that is
    where reconciling must look, or a retry after a worker died posts the answer a second time."""
    account = channels.facebook_account()
    post = sandbox.publish_page_post(page_id=account.external_id, message="Our seasonal blend is out!")
    first = sandbox.post_comment(on=post.graph_id, message="Mine arrived crushed", author="Ona")
    second = sandbox.post_comment(on=first.graph_id, message="Same here!", author="Jonas")
    conversation = channels.polled(account, second.graph_id)
    jonas = conversation.messages.get(external_id=second.graph_id)
    message = reply(agent, conversation, "Sorry, both of you! New bags are on their way.", reply_to=jonas.pk)
    assert message.in_reply_to == second.graph_id
    [posted] = channels.brand_answers(conversation)
    assert posted.answers == first.graph_id  # where Facebook put it

    # As after a worker died between the platform's acceptance and our commit: delivered again.
    Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.SENDING, external_id=None)
    deliver(message_id=message.pk)

    message.refresh_from_db()
    assert (message.delivery_status, message.external_id) == (DeliveryStatus.SENT, posted.external_id)
    assert channels.brand_answers(conversation) == [posted]


def test_a_platform_that_stays_down_ends_failed_with_its_reason_after_the_retries(
    deliver_inline, agent, client, monkeypatch
):
    # Eager retries run at once, one after another, when Retry is not propagated to the caller.
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    conversation = channels.x_mention()
    with held_back():
        message = reply(agent, conversation, "On it!")
    Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.FAILED, delivery_error="X answered 503")
    sandbox.set_faults(rate_500=1.0)  # every read fails, so the look before posting again fails too

    retry_reply(user=agent, message_id=message.pk)  # eager: the task and each of its retries run now

    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.FAILED
    assert message.delivery_error == "The platform stayed unavailable: X answered 500. Retry when it is back."
    assert channels.brand_answers(conversation) == []
    assert ">Retry</button>" in delivery_fragment(client, agent, message)
