"""Notifications for agents about their own work: assigned to them, theirs about to breach, a reply of theirs failed.

Each goes, after commit, to the person's own group: every open page of theirs shows it in the page and, when
they allowed it, as a browser notification, with a link to the conversation. A person mutes each kind.
Texts name the conversation by its author only (bounded); the page sets them as text, never as markup.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from inbox.events import publish_to_user_on_commit
from inbox.models import Conversation, NotificationKind, NotificationMute

NOTICE = "notice"  # the event kind the alerts socket passes on to the person's pages
MAX_NAME = 60


def muted_kinds(user_id: int) -> set[str]:
    return set(NotificationMute.objects.filter(user_id=user_id).values_list("kind", flat=True))


def set_muted_kinds(*, user_id: int, kinds: set[str]) -> None:
    """Mute exactly `kinds` (known kinds only) for the person."""
    known = {kind for kind in kinds if kind in NotificationKind.values}
    NotificationMute.objects.filter(user_id=user_id).exclude(kind__in=known).delete()
    NotificationMute.objects.bulk_create(
        [NotificationMute(user_id=user_id, kind=kind) for kind in known], ignore_conflicts=True
    )


def _who(conversation: Conversation) -> str:
    author = conversation.author
    name = (author.name or author.handle) if author else ""
    name = name or _("a customer")
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def notify_on_commit(*, user_id: int | None, kind: NotificationKind, conversation: Conversation) -> None:
    """Tell `user_id` about `conversation` once the transaction commits, unless they muted this kind.

    Worded in the recipient's language, not in that of whoever caused it (the assigning colleague, a worker)."""
    if user_id is None:
        return
    muted = Exists(NotificationMute.objects.filter(user_id=OuterRef("pk"), kind=kind))
    recipient = User.objects.filter(pk=user_id).annotate(muted=muted).values_list("language", "muted").first()
    if recipient is None or recipient[1]:
        return
    with translation.override(recipient[0] or None):
        alert = _alert(kind, conversation)
    publish_to_user_on_commit(user_id=user_id, kind=NOTICE, payload={"alert": alert, "user_id": user_id})


def _alert(kind: NotificationKind, conversation: Conversation) -> dict[str, str]:
    titles = {
        NotificationKind.ASSIGNED: _("Assigned to you"),
        NotificationKind.AT_RISK: _("About to breach"),
        NotificationKind.REPLY_FAILED: _("Your reply failed"),
    }
    bodies = {
        NotificationKind.ASSIGNED: _("The conversation with {who} is yours now."),
        NotificationKind.AT_RISK: _("The conversation with {who} is close to its first-response target."),
        NotificationKind.REPLY_FAILED: _("Your reply to {who} was not posted. Open it to see why and retry."),
    }
    return {
        "id": f"{kind}-{conversation.pk}",
        "title": titles[kind],
        "body": bodies[kind].format(who=_who(conversation)),
        "url": reverse("inbox:queue") + f"?c={conversation.pk}",
        "notice": kind.value,
    }
