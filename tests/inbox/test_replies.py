"""Replying in kind: same channel and visibility, one message per click, clear refusals."""

import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import DeliveryStatus, Direction, Message, Status, Visibility
from inbox.services.replies import ReplyNeedsConfirmation, ReplyRefused, ReplyRequest, do_reply, retry_reply
from monitoring.models import Platform
from tests.conftest import PASSWORD
from tests.inbox.threads import account, conversation


def reply(user, conv, text="Sorry about that, Jane! We are sending a new one.", **kwargs):
    kwargs.setdefault("idempotency_key", uuid.uuid4())
    return do_reply(user=user, conversation_id=conv.pk, request=ReplyRequest(text=text, **kwargs))


def test_public_post_gets_a_public_reply_in_its_thread_queued(agent, brand, django_capture_on_commit_callbacks):
    conv = conversation(account(brand, Platform.X))
    with django_capture_on_commit_callbacks() as callbacks:
        result = reply(agent, conv)
    message = result.message
    assert result.created
    assert message.direction == Direction.OUTBOUND
    assert message.delivery_status == DeliveryStatus.QUEUED
    assert message.visibility == Visibility.PUBLIC
    assert message.in_reply_to == conv.thread_key
    assert message.sent_by == agent
    assert len(callbacks) == 2  # the live event and the delivery task, both after commit


def test_private_message_gets_a_private_reply(agent, brand):
    conv = conversation(account(brand, Platform.FACEBOOK), visibility=Visibility.PRIVATE)
    assert reply(agent, conv).message.visibility == Visibility.PRIVATE


def test_the_same_click_twice_creates_one_message(agent, brand):
    conv = conversation(account(brand))
    key = uuid.uuid4()
    first = reply(agent, conv, idempotency_key=key)
    second = reply(agent, conv, idempotency_key=key)
    assert not second.created
    assert second.message.pk == first.message.pk
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_click_create_one_message():
    brand = add_brand(slug="acme", name="Acme Coffee")
    agent = create_user(username="agent", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=agent)
    conv = conversation(account(brand))
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def post():
        try:
            barrier.wait()
            results.append(reply(agent, conv, idempotency_key=key))
        except Exception as error:  # noqa: BLE001 - the assertion below reports it
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.created for r in results) == [False, True]
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1


def test_public_to_private_switch_asks_first_and_says_why(agent, brand):
    conv = conversation(account(brand))
    with pytest.raises(ReplyNeedsConfirmation) as asked:
        reply(agent, conv, private=True)
    assert asked.value.code == "confirm_private"
    assert "looks like hiding a public complaint" in asked.value.message
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()
    message = reply(agent, conv, private=True, confirm_private=True).message
    assert message.visibility == Visibility.PRIVATE


def test_private_conversation_is_never_answered_in_public(agent, brand):
    conv = conversation(account(brand), visibility=Visibility.PRIVATE)
    with pytest.raises(ReplyRefused, match="expose what they told you"):
        reply(agent, conv, private=False)


def test_feed_article_becomes_a_note_with_a_link_out(agent, brand, django_capture_on_commit_callbacks):
    conv = conversation(account(brand, Platform.FEED), text="Acme Coffee recalls cold brew")
    with django_capture_on_commit_callbacks() as callbacks:
        message = reply(agent, conv, text="Asked PR to answer the journalist.").message
    assert message.delivery_status == DeliveryStatus.NOTE
    assert message.url.startswith("https://news.example.org/")
    assert len(callbacks) == 1  # the live event only: nothing to deliver


@pytest.mark.parametrize(
    ("platform", "private", "text", "says"),
    [
        (Platform.X, False, "a" * 281, "1 characters over the limit of 280"),
        (Platform.X, False, "日" * 141, "2 characters over the limit of 280"),
        (Platform.FACEBOOK, True, "a" * 2001, "over the limit of 2,000"),
        (Platform.FACEBOOK, False, "a" * 8001, "over the limit of 8,000"),
        (Platform.X, False, "   \n ", "Write a reply first."),
    ],
)
def test_text_outside_the_channel_limit_is_refused_not_cut(agent, brand, platform, private, text, says):
    visibility = Visibility.PRIVATE if private else Visibility.PUBLIC
    conv = conversation(account(brand, platform), visibility=visibility)
    with pytest.raises(ReplyRefused) as refused:
        reply(agent, conv, text=text)
    assert says in refused.value.message
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_a_link_counts_23_on_x_so_a_long_link_fits(agent, brand):
    conv = conversation(account(brand))
    text = "a" * 250 + " https://acme.example.com/" + "x" * 300
    assert reply(agent, conv, text=text).message.text == text


def test_someone_else_replying_meanwhile_warns_the_sender(agent, brand):
    colleague = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=colleague)
    conv = conversation(account(brand))
    theirs = reply(colleague, conv, text="On it!", seen_answer_id=0).message
    with pytest.raises(ReplyNeedsConfirmation) as asked:
        reply(agent, conv, seen_answer_id=0)
    assert asked.value.code == "confirm_replied_meanwhile"
    assert "colleague replied" in asked.value.message
    assert "On it!" in asked.value.message
    assert reply(agent, conv, seen_answer_id=theirs.pk).created
    assert reply(agent, conv, text="Also this.", seen_answer_id=0, confirm_replied_meanwhile=True).created


def test_agent_of_another_brand_cannot_reply(brand):
    other = add_brand(slug="globex", name="Globex")
    outsider = create_user(username="outsider", password=PASSWORD, role=Role.ADMIN)
    add_member(brand=other, user=outsider)
    conv = conversation(account(brand))
    with pytest.raises(PermissionDenied):
        reply(outsider, conv)


def test_member_without_a_role_cannot_reply(brand):
    nobody = create_user(username="nobody", password=PASSWORD, role=Role.AGENT)
    nobody.groups.clear()
    add_member(brand=brand, user=nobody)
    with pytest.raises(PermissionDenied):
        reply(nobody, conversation(account(brand)))


def test_spam_and_switched_off_accounts_are_refused(agent, brand):
    with pytest.raises(ReplyRefused, match="spam"):
        reply(agent, conversation(account(brand), status=Status.SPAM))
    with pytest.raises(ReplyRefused, match="switched off"):
        reply(agent, conversation(account(brand, enabled=False)))


def test_a_form_key_used_in_another_conversation_is_refused(agent, brand):
    channel = account(brand)
    key = uuid.uuid4()
    reply(agent, conversation(channel), idempotency_key=key)
    with pytest.raises(ReplyRefused, match="already used"):
        reply(agent, conversation(channel), idempotency_key=key)


def test_only_a_failed_reply_can_be_retried_and_it_goes_back_to_the_queue(agent, brand):
    message = reply(agent, conversation(account(brand))).message
    with pytest.raises(ReplyRefused):
        retry_reply(user=agent, message_id=message.pk)
    Message.objects.filter(pk=message.pk).update(delivery_status=DeliveryStatus.FAILED, delivery_error="X said no")
    retried = retry_reply(user=agent, message_id=message.pk)
    assert retried.delivery_status == DeliveryStatus.QUEUED
    assert retried.delivery_error == "X said no"  # kept: delivery reconciles before posting again


def test_acknowledge_answers_each_in_its_own_channel_once(agent, brand):
    from inbox.services.replies import acknowledge
    from responses.services import add_saved_reply

    thanks = add_saved_reply(brand=brand, title="Thanks", text="Thanks for the feedback, {author_name} ({handle})!")
    tweet = conversation(account(brand, Platform.X))
    dm = conversation(account(brand, Platform.FACEBOOK), visibility=Visibility.PRIVATE)
    for conv in (tweet, dm):
        acknowledge(user=agent, conversation_id=conv.pk, saved_reply_id=thanks.pk, idempotency_key=uuid.uuid4())
    replies = {m.conversation_id: m for m in Message.objects.filter(direction=Direction.OUTBOUND)}
    assert replies[tweet.pk].visibility == Visibility.PUBLIC
    assert replies[tweet.pk].text == "Thanks for the feedback, Jane Doe (@jane)!"
    assert replies[dm.pk].visibility == Visibility.PRIVATE
    assert replies[dm.pk].text == "Thanks for the feedback, Jane Doe (jane)!"
    with pytest.raises(ReplyRefused, match="Already answered by agent"):
        acknowledge(user=agent, conversation_id=tweet.pk, saved_reply_id=thanks.pk, idempotency_key=uuid.uuid4())
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 2


def test_acknowledge_refuses_another_brands_saved_reply(agent, brand):
    from inbox.services.replies import acknowledge
    from responses.services import add_saved_reply

    elsewhere = add_saved_reply(brand=add_brand(slug="globex", name="Globex"), title="Hi", text="Hi")
    with pytest.raises(ReplyRefused, match="another brand"):
        acknowledge(
            user=agent,
            conversation_id=conversation(account(brand)).pk,
            saved_reply_id=elsewhere.pk,
            idempotency_key=uuid.uuid4(),
        )


def test_replies_whose_task_was_lost_or_whose_worker_died_are_found_for_redelivery_after_their_lease(agent, brand):
    import datetime as dt

    from django.utils import timezone

    from inbox.services.delivery import stalled_replies

    conv = conversation(account(brand))
    fresh = reply(agent, conv, text="fresh").message
    lost = reply(agent, conv, text="lost").message
    leased = reply(agent, conv, text="a worker is on it", seen_answer_id=None).message
    dead = reply(agent, conv, text="its worker died", seen_answer_id=None).message
    sent = reply(agent, conv, text="sent", seen_answer_id=None).message
    now = timezone.now()
    Message.objects.filter(pk__in=[lost.pk, sent.pk, leased.pk, dead.pk]).update(created_at=now - dt.timedelta(hours=1))
    Message.objects.filter(pk=sent.pk).update(delivery_status=DeliveryStatus.SENT)
    Message.objects.filter(pk=leased.pk).update(
        delivery_status=DeliveryStatus.SENDING, delivery_lease_until=now + dt.timedelta(seconds=50)
    )
    Message.objects.filter(pk=dead.pk).update(
        delivery_status=DeliveryStatus.SENDING, delivery_lease_until=now - dt.timedelta(seconds=1)
    )

    assert stalled_replies(now=now) == [lost.pk, dead.pk]
    assert stalled_replies(now=now + dt.timedelta(minutes=2)) == [fresh.pk, lost.pk, leased.pk, dead.pk]


def test_a_reply_waiting_for_its_retry_is_left_to_its_task_until_the_retry_is_due(agent, brand):
    """While the platform is unavailable the task retries later; the sweep does not hurry it, and takes the reply
    over only when the retry is overdue (the worker holding it died)."""
    import datetime as dt

    from django.utils import timezone

    from inbox.services.delivery import claim, delivery_lease, hold_for_retry, stalled_replies

    waiting = reply(agent, conversation(account(brand)), text="the platform is down").message
    claim(message_id=waiting.pk)

    hold_for_retry(message_id=waiting.pk, seconds=600)

    now = timezone.now()
    assert stalled_replies(now=now + dt.timedelta(seconds=590)) == []
    assert stalled_replies(now=now + dt.timedelta(seconds=601) + delivery_lease()) == [waiting.pk]
