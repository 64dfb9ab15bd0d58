"""Moderation through the real connectors (facebook-sdk, tweepy over HTTP) against the sandbox platforms.

Each test starts from a customer's post ingested by polling, moderates it as a person would (the service or
the conversation page's buttons), and reads what the sandbox platform now holds and what it recorded.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from inbox.models import ConversationEvent, Direction, EventKind, InboxSettings, Message
from inbox.services.moderation import ModerationError, do_moderate, offered
from sandbox import services as sandbox
from sandbox.models import FacebookComment, ModerationCall, Tweet
from tests.conftest import PASSWORD
from tests.inbox import sandbox_channels as channels


def inbound(conversation) -> Message:
    return conversation.messages.select_related("account").get(direction=Direction.INBOUND)


def sandbox_comment(message: Message) -> FacebookComment:
    return FacebookComment.objects.get(pk=sandbox_comment_id(message))


def sandbox_comment_id(message: Message) -> int:
    return int(str(message.external_id).partition("_")[2])


def calls() -> list[tuple[str, str, str]]:
    return list(ModerationCall.objects.order_by("id").values_list("platform", "action", "object_id"))


def x_reply_in_brand_conversation():
    """A customer's reply under the brand's own post: a reply X lets the brand hide."""
    account = channels.x_account()
    post = sandbox.post_tweet(author="acme", text="Our winter blend is here")
    answer = sandbox.post_mention(brand="acme", text="it tastes burnt, awful", author="maria", in_reply_to=post.id)
    return channels.polled(account, str(answer.id))


def test_hiding_a_facebook_comment_hides_it_on_facebook_and_records_who(platforms, agent):
    message = inbound(channels.facebook_comment("Buy cheap followers at spam.example"))

    do_moderate(actor=agent, message_id=message.pk, action="hide")

    assert sandbox_comment(message).is_hidden
    assert calls() == [("facebook", "hide", message.external_id)]
    message.refresh_from_db()
    assert message.hidden_on_platform
    event = ConversationEvent.objects.get(kind=EventKind.MODERATED)
    assert (event.actor, event.data["action"], event.data["message"]) == (agent, "hide", message.pk)


def test_unhide_and_unlike_undo_hide_and_like(platforms, agent):
    message = inbound(channels.facebook_comment())

    for action in ("hide", "like", "unhide", "unlike"):
        do_moderate(actor=agent, message_id=message.pk, action=action)

    comment = sandbox_comment(message)
    assert (comment.is_hidden, comment.liked_by_page) == (False, False)
    assert [call[1] for call in calls()] == ["hide", "like", "unhide", "unlike"]
    message.refresh_from_db()
    assert (message.hidden_on_platform, message.liked_on_platform) == (False, False)
    assert ConversationEvent.objects.filter(kind=EventKind.MODERATED).count() == 4


def test_deleting_a_facebook_comment_removes_it_and_offers_nothing_more(platforms, agent):
    message = inbound(channels.facebook_comment())

    do_moderate(actor=agent, message_id=message.pk, action="delete")

    assert not FacebookComment.objects.filter(pk=sandbox_comment_id(message)).exists()
    message.refresh_from_db()
    assert message.deleted_on_platform_at is not None
    assert offered(message, message.account) == []
    with pytest.raises(ModerationError):
        do_moderate(actor=agent, message_id=message.pk, action="delete")
    assert len(calls()) == 1


def test_a_comment_already_deleted_on_facebook_counts_as_deleted(platforms, agent):
    message = inbound(channels.facebook_comment())
    FacebookComment.objects.filter(pk=sandbox_comment_id(message)).delete()

    do_moderate(actor=agent, message_id=message.pk, action="delete")

    message.refresh_from_db()
    assert message.deleted_on_platform_at is not None


def test_hiding_a_comment_facebook_no_longer_has_shows_facebooks_reason(platforms, agent):
    message = inbound(channels.facebook_comment())
    FacebookComment.objects.filter(pk=sandbox_comment_id(message)).delete()

    with pytest.raises(ModerationError, match="no longer exists on Facebook"):
        do_moderate(actor=agent, message_id=message.pk, action="hide")

    message.refresh_from_db()
    assert not message.hidden_on_platform
    assert not ConversationEvent.objects.filter(kind=EventKind.MODERATED).exists()


def test_hiding_and_unhiding_an_x_reply_in_the_brands_conversation(platforms, agent):
    message = inbound(x_reply_in_brand_conversation())
    assert offered(message, message.account) == ["hide"]

    do_moderate(actor=agent, message_id=message.pk, action="hide")
    assert Tweet.objects.get(pk=int(message.external_id)).reply_hidden
    do_moderate(actor=agent, message_id=message.pk, action="unhide")

    assert not Tweet.objects.get(pk=int(message.external_id)).reply_hidden
    assert calls() == [("x", "hide", message.external_id), ("x", "unhide", message.external_id)]


def test_x_refuses_hiding_a_reply_in_someone_elses_conversation(platforms, agent):
    account = channels.x_account()
    someone = sandbox.post_tweet(author="bob", text="coffee thoughts")
    mention = sandbox.post_mention(brand="acme", text="agree, acme is meh", author="maria", in_reply_to=someone.id)
    message = inbound(channels.polled(account, str(mention.id)))

    with pytest.raises(ModerationError, match="only replies in conversations it started"):
        do_moderate(actor=agent, message_id=message.pk, action="hide")

    assert calls() == []
    message.refresh_from_db()
    assert not message.hidden_on_platform


def test_a_brand_may_keep_moderation_to_supervisors(platforms, agent, supervisor, brand):
    message = inbound(channels.facebook_comment())
    InboxSettings.objects.create(brand=brand, moderation_role=Role.SUPERVISOR)

    with pytest.raises(PermissionDenied):
        do_moderate(actor=agent, message_id=message.pk, action="hide")
    assert calls() == []

    do_moderate(actor=supervisor, message_id=message.pk, action="hide")
    assert calls() == [("facebook", "hide", message.external_id)]


def test_messages_that_cannot_be_moderated_offer_nothing(platforms, agent):
    # A Messenger message is private; an X mention that replies to nothing is not a reply.
    for conversation in (channels.messenger(), channels.x_mention()):
        message = inbound(conversation)
        assert offered(message, message.account) == []
        with pytest.raises(ModerationError):
            do_moderate(actor=agent, message_id=message.pk, action="hide")
    assert calls() == []


def test_buttons_on_the_thread_hide_the_comment_and_history_says_who(platforms, agent, client):
    conversation = channels.facebook_comment("<b>spam</b> at spam.example")
    message = inbound(conversation)
    client.login(username=agent.username, password=PASSWORD)
    url = reverse("inbox:moderate", args=[message.pk])

    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert f'action="{url}"' in page
    assert 'value="delete"' in page and "hx-confirm=" in page
    assert "<b>spam</b>" not in page

    thread = client.post(url, {"action": "hide"}, headers={"HX-Request": "true"})

    assert thread.status_code == 200
    assert "Hidden on Facebook" in thread.content.decode()
    assert 'value="unhide"' in thread.content.decode()
    panel = client.get(reverse("inbox:panel", args=[conversation.pk])).content.decode()
    assert f"<b>{agent.username}</b>" in panel
    assert "hid a post by Ona on Facebook" in panel


def test_a_refusal_is_shown_in_the_thread(platforms, agent, client):
    message = inbound(channels.facebook_comment())
    FacebookComment.objects.filter(pk=sandbox_comment_id(message)).delete()
    client.login(username=agent.username, password=PASSWORD)

    thread = client.post(reverse("inbox:moderate", args=[message.pk]), {"action": "like"}, HTTP_HX_REQUEST="true")

    assert thread.status_code == 200
    assert "no longer exists on Facebook" in thread.content.decode()


def test_an_admin_sets_who_may_moderate_on_the_routing_page(admin_user, brand, client):
    client.login(username=admin_user.username, password=PASSWORD)
    form = {"brand": brand.slug, "max_open_per_agent": "20", "moderation_role": "supervisor"}

    page = client.get(reverse("settings:routing")).content.decode()
    response = client.post(reverse("settings:routing"), form)

    assert 'name="moderation_role"' in page
    assert response.status_code == 302
    assert InboxSettings.objects.get(brand=brand).moderation_role == Role.SUPERVISOR
