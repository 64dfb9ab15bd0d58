"""Moderation of a customer's post on its platform: hide or unhide, delete, like or unlike it.

`check_moderate` validates the person (the brand's moderation role, membership) and that the platform
offers the action for this post; `do_moderate` calls the platform through the account's connector, then
records the new state on the message and an event in the conversation's History.

The platform is called outside any transaction and before anything is written: a refusal or a fault
leaves nothing to undo here. Every action leaves the same state when repeated (hiding twice leaves the
post hidden, deleting what is gone is done), so two people clicking at once, or a click repeated after
a lost answer, do no harm; each call that the platform accepted is recorded.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, has_role
from brands.selectors import brands_for
from inbox.events import publish_on_commit
from inbox.models import ConversationEvent, Direction, EventKind, InboxSettings, Message, Visibility
from monitoring.connectors.base import Moderation, ModerationRefused, PlatformUnavailable
from monitoring.models import ChannelAccount, Platform

# What each platform lets a brand do to a customer's public post; unhide and unlike undo hide and like.
FACEBOOK_COMMENT: tuple[Moderation, ...] = (
    Moderation.HIDE,
    Moderation.UNHIDE,
    Moderation.LIKE,
    Moderation.UNLIKE,
    Moderation.DELETE,
)
X_REPLY: tuple[Moderation, ...] = (Moderation.HIDE, Moderation.UNHIDE)


class ModerationError(ValidationError):
    """A moderation that cannot be done, with a message fit to show the person who asked."""


def offered(message: Message, account: ChannelAccount) -> list[Moderation]:
    """The actions that fit this message (of `account`) in its present state, in the order buttons show them.

    On Facebook, comments: a post on the Page is "{page id}_{post}", a comment "{post}_{comment}". On X,
    replies (X hides only replies, and only in conversations the account started: X says so if not).
    """
    if message.direction != Direction.INBOUND or message.visibility != Visibility.PUBLIC:
        return []
    if message.deleted_on_platform_at is not None or not message.external_id:
        return []
    is_post = message.external_id.startswith(f"{account.external_id}_")
    if account.platform == Platform.FACEBOOK and message.in_reply_to and not is_post:
        possible = FACEBOOK_COMMENT
    elif account.platform == Platform.X and message.in_reply_to:
        possible = X_REPLY
    else:
        return []
    state = {
        Moderation.HIDE: not message.hidden_on_platform,
        Moderation.UNHIDE: message.hidden_on_platform,
        Moderation.LIKE: not message.liked_on_platform,
        Moderation.UNLIKE: message.liked_on_platform,
        Moderation.DELETE: True,
    }
    return [action for action in possible if state[action]]


def moderation_role(brand_id: int) -> Role:
    """The least role that may moderate for this brand (agents, unless the brand set a higher one)."""
    chosen = InboxSettings.objects.filter(brand_id=brand_id).values_list("moderation_role", flat=True).first()
    return Role(chosen) if chosen else Role.AGENT


def check_moderate(*, actor: User, message_id: int, action: str) -> tuple[Message, Moderation]:
    """The message, if this person may do `action` to it now; PermissionDenied or ModerationError if not."""
    message = (
        Message.objects.select_related("account", "author", "conversation")
        .filter(pk=message_id, conversation__brand__in=brands_for(actor))
        .first()
    )
    if message is None:
        raise PermissionDenied("No such message in your brands.")
    minimum = moderation_role(message.conversation.brand_id)
    if not has_role(actor, minimum):
        raise PermissionDenied(f"Moderating for this brand needs the {minimum.label.lower()} role.")
    try:
        wanted = Moderation(action)
    except ValueError:
        raise ModerationError(f"{action!r} is not a moderation.") from None
    if wanted not in offered(message, message.account):
        raise ModerationError(f"This post cannot be moderated that way ({wanted}) now.")
    return message, wanted


def do_moderate(*, actor: User, message_id: int, action: str) -> Message:
    """Do the action on the platform, then record it; the platform's refusal or fault is the error shown."""
    from monitoring.connectors.registry import connector_for

    message, wanted = check_moderate(actor=actor, message_id=message_id, action=action)
    try:
        connector_for(message.account).moderate(wanted, str(message.external_id))
    except (ModerationRefused, PlatformUnavailable) as problem:
        raise ModerationError(problem.reason) from problem
    with transaction.atomic():
        changes = _state_after(wanted)
        Message.objects.filter(pk=message.pk).update(**changes)
        author = message.author
        ConversationEvent.objects.create(
            conversation_id=message.conversation_id,
            actor=actor,
            kind=EventKind.MODERATED,
            data={
                "action": str(wanted),
                "message": message.pk,
                "platform": message.account.get_platform_display(),
                "author": ((author.name or author.handle) if author else "")[:80],
            },
        )
        publish_on_commit(
            brand_id=message.conversation.brand_id,
            kind="conversation.updated",
            payload={"conversation_ids": [message.conversation_id]},
        )
    for field, value in changes.items():
        setattr(message, field, value)
    return message


def _state_after(action: Moderation) -> dict[str, object]:
    if action == Moderation.DELETE:
        return {"deleted_on_platform_at": timezone.now()}
    if action in (Moderation.HIDE, Moderation.UNHIDE):
        return {"hidden_on_platform": action == Moderation.HIDE}
    return {"liked_on_platform": action == Moderation.LIKE}
