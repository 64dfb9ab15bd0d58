"""Moderation as the sandbox platforms carry it out: each request changes the post and is recorded once."""

from __future__ import annotations

from django.db import transaction

from sandbox.models import FacebookComment, ModerationCall, Tweet, XUser


class NotAllowed(Exception):
    """The platform refuses this moderation (the reason is the platform's own wording)."""


def _record(platform: str, action: str, object_id: str) -> None:
    ModerationCall.objects.create(platform=platform, action=action, object_id=object_id)


@transaction.atomic
def hide_comment(comment: FacebookComment, *, hidden: bool) -> None:
    """A Page may hide others' comments on its posts, not its own (Graph's can_hide is false for those)."""
    if comment.from_page:
        raise NotAllowed("(#100) This comment cannot be hidden or unhidden")
    FacebookComment.objects.filter(pk=comment.pk).update(is_hidden=hidden)
    _record("facebook", "hide" if hidden else "unhide", comment.graph_id)


@transaction.atomic
def delete_comment(comment: FacebookComment) -> None:
    """Deleting a comment deletes its replies with it, as Facebook does."""
    graph_id = comment.graph_id
    comment.delete()
    _record("facebook", "delete", graph_id)


@transaction.atomic
def like_comment(comment: FacebookComment, *, liked: bool) -> None:
    FacebookComment.objects.filter(pk=comment.pk).update(liked_by_page=liked)
    _record("facebook", "like" if liked else "unlike", comment.graph_id)


@transaction.atomic
def hide_reply(*, account: XUser, tweet: Tweet, hidden: bool) -> None:
    """Only replies in a conversation the account started may be hidden; repeating it succeeds."""
    root = Tweet.objects.filter(pk=tweet.conversation_id).only("author_id").first()
    if tweet.in_reply_to_id is None or root is None or root.author_id != account.pk:
        raise NotAllowed("You may only hide or unhide replies to conversations you started.")
    Tweet.objects.filter(pk=tweet.pk).update(reply_hidden=hidden)
    _record("x", "hide" if hidden else "unhide", str(tweet.pk))
