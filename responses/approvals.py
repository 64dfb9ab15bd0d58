"""A supervisor's decision on a held reply: approve (as written or edited) or reject with a reason.

Locking: the conversation's row first (as every send does), then the approval's. An approved reply goes
through send_now with the click key the agent's composer generated, so approving twice posts once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from brands.selectors import brands_for
from inbox.models import Conversation
from inbox.services.replies import ReplyRefused, ReplyRequest
from responses.models import ApprovalStatus, ReplyApproval
from responses.rendering import UnknownVariable, check_variables
from responses.sending import check_can_decide, publish_approval, send_now


def pending_approvals_for(user: User) -> QuerySet[ReplyApproval]:
    """Replies waiting in the user's brands, oldest first (they have waited longest)."""
    return (
        ReplyApproval.objects.filter(status=ApprovalStatus.PENDING, brand__in=brands_for(user))
        .select_related("conversation__author", "conversation__account", "requested_by", "offer", "brand")
        .order_by("created_at", "id")
    )


def _lock(approval_id: int) -> ReplyApproval:
    conversation_id = ReplyApproval.objects.values_list("conversation_id", flat=True).get(pk=approval_id)
    Conversation.objects.select_for_update(of=("self",)).filter(pk=conversation_id).first()
    return (
        ReplyApproval.objects.select_for_update(of=("self",))
        .select_related("conversation__account", "conversation__author", "conversation__brand", "requested_by")
        .select_related("offer")
        .get(pk=approval_id)
    )


@transaction.atomic
def approve(*, supervisor: User, approval_id: int, text: str | None = None) -> ReplyApproval:
    """Send the held reply (with the supervisor's edit, if any) through the outbox; approving again is a no-op."""
    approval = _lock(approval_id)
    check_can_decide(supervisor, approval)
    if approval.status == ApprovalStatus.APPROVED:
        return approval
    if approval.status != ApprovalStatus.PENDING:
        raise ReplyRefused("This reply was already rejected.", code="decided")
    final = approval.text if text is None else text.strip()
    try:
        check_variables(final)
    except UnknownVariable as error:
        raise ReplyRefused(str(error.message), code="unknown_variable") from error
    reply = send_now(
        agent=approval.requested_by,
        conversation=approval.conversation,
        request=ReplyRequest(text=final, idempotency_key=approval.idempotency_key, private=approval.private),
        offer=approval.offer,
        approved=True,
    )
    approval.text = final
    approval.status = ApprovalStatus.APPROVED
    approval.decided_by = supervisor
    approval.decided_at = timezone.now()
    approval.reply = reply
    approval.save(update_fields=["text", "status", "decided_by", "decided_at", "reply"])
    publish_approval(approval)
    return approval


@transaction.atomic
def reject(*, supervisor: User, approval_id: int, reason: str) -> ReplyApproval:
    """Refuse the held reply; the agent sees the reason on the conversation."""
    approval = _lock(approval_id)
    check_can_decide(supervisor, approval)
    if approval.status != ApprovalStatus.PENDING:
        raise ReplyRefused("This reply was already decided.", code="decided")
    if not reason.strip():
        raise ReplyRefused("Say why, so the agent can write a better reply.", code="reason_required")
    approval.status = ApprovalStatus.REJECTED
    approval.rejection_reason = reason.strip()[:2000]
    approval.decided_by = supervisor
    approval.decided_at = timezone.now()
    approval.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    publish_approval(approval)
    return approval
