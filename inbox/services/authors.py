"""Saying that two authors of a brand are one customer (and taking it back): the author card shows them as one."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from inbox.models import AuthorLink, Conversation
from inbox.selectors import conversation_for
from inbox.services.workflow import WorkflowError, check_may_work_on


def check_link(*, actor: User, conversation: Conversation, other_conversation_id: int) -> tuple[int, int]:
    """The two author ids to link, lower first; WorkflowError says why not."""
    check_may_work_on(actor=actor, conversation=conversation)
    other = conversation_for(actor, other_conversation_id)
    if other is None or other.brand_id != conversation.brand_id:
        raise WorkflowError(_("No conversation #%(number)s in this brand.") % {"number": other_conversation_id})
    if conversation.author_id is None or other.author_id is None:
        raise WorkflowError(_("The platform did not say who wrote one of them."))
    if other.author_id == conversation.author_id:
        raise WorkflowError(_("Both conversations are already from the same author."))
    first, second = sorted((conversation.author_id, other.author_id))
    return first, second


def do_link_authors(*, actor: User, conversation: Conversation, other_conversation_id: int) -> None:
    first, second = check_link(actor=actor, conversation=conversation, other_conversation_id=other_conversation_id)
    AuthorLink.objects.get_or_create(
        brand_id=conversation.brand_id, author_id=first, other_id=second, defaults={"linked_by": actor}
    )


def do_unlink_author(*, actor: User, conversation: Conversation, author_id: int) -> None:
    """Take back a link between the conversation's author and `author_id` (a same handle stays the same person)."""
    check_may_work_on(actor=actor, conversation=conversation)
    first, second = sorted((conversation.author_id or 0, author_id))
    AuthorLink.objects.filter(brand_id=conversation.brand_id, author_id=first, other_id=second).delete()
