"""Bulk actions over many conversations: a registry of actions a worker applies one conversation at a time.

An action is a function (actor, conversation_id, params) -> short result text; it raises WorkflowError,
PermissionDenied or ValidationError for an item it refuses, and that item is reported, not the whole job.
Its check (actor, params) refuses bad parameters before a job starts. Anything else an item raises stops
the job as failed, with the reason. Other parts add actions with `register`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from brands.selectors import brands_for
from inbox import enqueue
from inbox.events import publish_to_user_on_commit
from inbox.models import BulkJob, BulkJobStatus, Status, Visibility
from inbox.services import replies, workflow
from responses.models import SavedReply

logger = logging.getLogger(__name__)
ActionFunction = Callable[[User, int, dict[str, Any]], str]
ParamsCheck = Callable[[User, dict[str, Any]], None]


class BulkError(ValidationError):
    pass


def _no_check(actor: User, params: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class BulkAction:
    name: str
    label: str
    run: ActionFunction
    check: ParamsCheck = _no_check


REGISTRY: dict[str, BulkAction] = {}


def register(name: str, label: str, run: ActionFunction, check: ParamsCheck = _no_check) -> None:
    REGISTRY[name] = BulkAction(name=name, label=label, run=run, check=check)


def _resolve(actor: User, conversation_id: int, params: dict[str, Any]) -> str:
    workflow.do_change_status(actor=actor, conversation_id=conversation_id, status=Status.RESOLVED)
    return "Resolved"


def _assign(actor: User, conversation_id: int, params: dict[str, Any]) -> str:
    raw = params.get("assignee")
    assignee = actor if raw in (None, "", "me") else User.objects.filter(pk=int(str(raw))).first()
    if assignee is None:
        raise workflow.WorkflowError("That person does not exist.")
    workflow.do_assign(actor=actor, conversation_id=conversation_id, assignee=assignee)
    return f"Assigned to {assignee.get_username()}"


def _check_assign(actor: User, params: dict[str, Any]) -> None:
    raw = params.get("assignee")
    if raw in (None, "", "me"):
        return
    people = User.objects.filter(brands__in=brands_for(actor))
    if not str(raw).isdigit() or not people.filter(pk=int(str(raw))).exists():
        raise BulkError("Choose a person of your brands to assign to.")


def _check_tag(actor: User, params: dict[str, Any]) -> None:
    name = params.get("tag")
    if not isinstance(name, str) or not name.strip() or len(name) > workflow.MAX_TAG_LENGTH:
        raise BulkError(f"Give a tag of 1 to {workflow.MAX_TAG_LENGTH} characters.")


def _tag(actor: User, conversation_id: int, params: dict[str, Any]) -> str:
    tag = workflow.do_add_tag(actor=actor, conversation_id=conversation_id, name=str(params.get("tag", "")))
    return f"Tagged {tag.name}"


def _acknowledge(actor: User, conversation_id: int, params: dict[str, Any]) -> str:
    # A fresh key per item is enough: the reply and the item's result commit together (run_bulk_job), and a
    # conversation answered since the customer last wrote is refused, so a re-run never answers twice.
    raw = str(params.get("saved_reply") or "")
    if not raw.isdigit():
        raise replies.ReplyRefused("Choose the saved reply to acknowledge with.")
    result = replies.acknowledge(
        user=actor, conversation_id=conversation_id, saved_reply_id=int(raw), idempotency_key=uuid.uuid4()
    )
    where = "private message" if result.message.visibility == Visibility.PRIVATE else "public reply"
    return f"Acknowledged with a {where}: \u201c{result.message.text[:80]}\u201d"


def _check_acknowledge(actor: User, params: dict[str, Any]) -> None:
    raw = str(params.get("saved_reply") or "")
    if not raw.isdigit() or not SavedReply.objects.filter(pk=int(raw), brand__in=brands_for(actor)).exists():
        raise BulkError("Choose the saved reply to acknowledge with.")


register("resolve", "Resolve", _resolve)
register("assign", "Assign", _assign, _check_assign)
register("tag", "Tag", _tag, _check_tag)
register("acknowledge", "Acknowledge with a saved reply", _acknowledge, _check_acknowledge)


# ---------------------------------------------------------------- jobs


@transaction.atomic
def start_bulk_job(*, actor: User, action: str, conversation_ids: list[int], params: dict[str, Any]) -> BulkJob:
    """Record the job and hand it to a worker after commit; only the actor's brands' conversations count."""
    if action not in REGISTRY:
        raise BulkError(f"{action!r} is not a bulk action.")
    if not isinstance(params, dict):
        raise BulkError("The action's parameters must be an object.")
    REGISTRY[action].check(actor, params)
    job = BulkJob.objects.create(user=actor, action=action, params=params, conversation_ids=conversation_ids)
    enqueue.run_bulk_job(job.pk)
    return job


def _run_item(job: BulkJob, actor: User, conversation_id: int) -> dict[str, Any]:
    if not brands_for(actor).filter(conversations__pk=conversation_id).exists():
        return {"ok": False, "detail": "Not found in your brands."}
    try:
        detail = REGISTRY[job.action].run(actor, conversation_id, job.params)
    except (PermissionDenied, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return {"ok": False, "detail": message}
    return {"ok": True, "detail": detail}


def run_bulk_job(*, job_id: int) -> BulkJob:
    """Apply the job's action to each conversation not done yet (safe to run again after a crash)."""
    job = BulkJob.objects.select_related("user").get(pk=job_id)
    if job.status in (BulkJobStatus.DONE, BulkJobStatus.FAILED):
        return job
    job.status = BulkJobStatus.RUNNING
    job.save(update_fields=["status"])
    for conversation_id in job.conversation_ids:
        if str(conversation_id) in job.results:
            continue
        try:
            with transaction.atomic():
                job.results[str(conversation_id)] = _run_item(job, job.user, conversation_id)
                job.save(update_fields=["results"])
                publish_to_user_on_commit(user_id=job.user_id, kind="bulk.progress", payload={"job_id": job.pk})
        except Exception as error:  # an item the action did not expect: the job ends, saying where and why
            logger.exception("Bulk job %s stopped at conversation %s", job.pk, conversation_id)
            job.results.pop(str(conversation_id), None)
            reason = f"Stopped at #{conversation_id}: {error.__class__.__name__}; the rest was not done."
            return _finish(job, BulkJobStatus.FAILED, reason)
    return _finish(job, BulkJobStatus.DONE, "")


def _finish(job: BulkJob, status: str, reason: str) -> BulkJob:
    with transaction.atomic():
        job.status, job.failure_reason, job.finished_at = status, reason, timezone.now()
        job.save(update_fields=["status", "failure_reason", "finished_at"])
        publish_to_user_on_commit(user_id=job.user_id, kind="bulk.progress", payload={"job_id": job.pk})
    return job
