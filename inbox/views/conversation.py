"""The conversation page: thread, author card, details, and the workflow controls (status, assign, tags, notes)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from brands.models import Team
from inbox.forms import AssignForm, NoteForm, StatusForm, TagForm
from inbox.models import CLOSED, Conversation, Status
from inbox.selectors import (
    clock_ending,
    conversation_for,
    earlier_conversations,
    history,
    last_outbound,
    linked_author_ids,
    matched_queries,
    person_authors,
    place_context,
    thread,
)
from inbox.services import authors, workflow


def _actor(request: HttpRequest) -> User:
    """The signed-in person (RoleRequiredMixin turned everyone else away)."""
    return cast(User, request.user)


def _conversation_or_404(request: HttpRequest, conversation_id: int) -> Conversation:
    # Another brand's conversation answers exactly like a missing one: nothing leaks.
    conversation = conversation_for(request.user, conversation_id)
    if conversation is None:
        raise Http404("No such conversation in your brands.")
    return conversation


def sidebar_context(conversation: Conversation) -> dict[str, Any]:
    """What the details panel shows; also used when a change re-renders only the panel."""
    authors = person_authors(conversation)
    return {
        "conversation": conversation,
        "sla_state": conversation.sla_state,  # type: ignore[attr-defined]
        "person": authors,
        "linked_ids": linked_author_ids(conversation),
        "reach": sum(author.followers_count or 0 for author in authors),
        "earlier": list(earlier_conversations(conversation, authors)),
        "notes": list(conversation.notes.select_related("author")),
        "history": history(conversation),
        # A closed conversation says how its wait ended instead of a due time.
        "clock_ending": clock_ending(conversation) if conversation.status in CLOSED else None,
        "tags": list(conversation.tags.order_by("name")),
        "queries": list(matched_queries(conversation)),
        "teams": list(Team.objects.filter(brand_id=conversation.brand_id)),
        "people": list(conversation.brand.members.filter(is_active=True).order_by("username")),
        "statuses": Status.choices,
    }


def conversation_context(conversation: Conversation) -> dict[str, Any]:
    """Everything the open conversation shows: thread, composer data, details panel."""
    seen = last_outbound(conversation)
    return {
        **sidebar_context(conversation),
        "messages_": list(thread(conversation)),
        "place": place_context(conversation),
        # The composer sends these back so a reply posted meanwhile by someone else is noticed.
        "last_outbound_id": seen.pk if seen else "",
        "last_outbound_at": seen.created_at.isoformat() if seen else "",
    }


def render_pane(request: HttpRequest, conversation: Conversation, *, close_url: str) -> str:
    """The open conversation as the split view's right-hand side (the queue stays beside it)."""
    context = {**conversation_context(conversation), "in_pane": True, "close_url": close_url}
    return render_to_string("inbox/_conversation_pane.html", context, request=request)


class ConversationView(RoleRequiredMixin, TemplateView):
    """/inbox/c/<id>/: the conversation on a page of its own (narrow screens, links from elsewhere)."""

    template_name = "inbox/conversation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        conversation = _conversation_or_404(self.request, kwargs["conversation_id"])
        context.update(conversation_context(conversation))
        return context


class ConversationPaneView(RoleRequiredMixin, View):
    """The split view's right-hand side, loaded when a row is opened (the page's script handles "close")."""

    def get(self, request: HttpRequest, conversation_id: int) -> HttpResponse:
        conversation = _conversation_or_404(request, conversation_id)
        return HttpResponse(render_pane(request, conversation, close_url=reverse("inbox:queue")))


class ThreadPartialView(RoleRequiredMixin, View):
    def get(self, request: HttpRequest, conversation_id: int) -> HttpResponse:
        conversation = _conversation_or_404(request, conversation_id)
        context = {"conversation": conversation, "messages_": list(thread(conversation))}
        return render(request, "inbox/_thread.html", context)


class SidebarPartialView(RoleRequiredMixin, View):
    def get(self, request: HttpRequest, conversation_id: int) -> HttpResponse:
        conversation = _conversation_or_404(request, conversation_id)
        return render(request, "inbox/_sidebar.html", sidebar_context(conversation))


class WorkflowActionView(RoleRequiredMixin, View):
    """Base of the POST controls: run one workflow change, then show the panel again (htmx) or the page."""

    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, conversation_id: int, **kwargs: Any) -> HttpResponse:
        conversation = _conversation_or_404(request, conversation_id)
        self.kwargs = kwargs
        error = ""
        try:
            done = self.change(request, conversation)
        except ValidationError as problem:
            error = problem.messages[0]
        status = 400 if error else 200
        if not request.htmx:  # type: ignore[attr-defined]
            (messages.error if error else messages.success)(request, error or done)
            return HttpResponseRedirect(reverse("inbox:conversation", args=[conversation_id]))
        refreshed = _conversation_or_404(request, conversation_id)
        context = {**sidebar_context(refreshed), "error": error}
        return render(request, "inbox/_sidebar.html", context, status=status)


def _form_error(form: Any) -> ValidationError:
    return ValidationError("; ".join(message for errors in form.errors.values() for message in errors))


class StatusView(WorkflowActionView):
    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        form = StatusForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        minutes = form.cleaned_data["snooze_minutes"]
        until = timezone.now() + dt.timedelta(minutes=minutes) if minutes else None
        status = form.cleaned_data["status"]
        workflow.do_change_status(
            actor=_actor(request), conversation_id=conversation.pk, status=status, snoozed_until=until
        )
        return _("Marked %(status)s.") % {"status": str(Status(status).label).lower()}


class AssignView(WorkflowActionView):
    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        actor: User = _actor(request)
        if request.POST.get("assignee") == "me":
            workflow.do_claim(actor=actor, conversation_id=conversation.pk)
            return _("Assigned to you.")
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        assignee_id, team_id = form.cleaned_data["assignee"], form.cleaned_data["team"]
        assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
        team = Team.objects.filter(pk=team_id).first() if team_id else None
        workflow.do_assign(actor=actor, conversation_id=conversation.pk, assignee=assignee, team=team)
        return _("Assigned to %(name)s.") % {"name": assignee.get_username()} if assignee else _("Assignment updated.")


class TagView(WorkflowActionView):
    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        form = TagForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        tag = workflow.do_add_tag(
            actor=_actor(request), conversation_id=conversation.pk, name=form.cleaned_data["name"]
        )
        return _("Tagged %(tag)s.") % {"tag": tag.name}


class UntagView(WorkflowActionView):
    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        workflow.do_remove_tag(actor=_actor(request), conversation_id=conversation.pk, tag_id=self.kwargs["tag_id"])
        return _("Tag removed.")


class AuthorLinkView(WorkflowActionView):
    """Say another conversation of the brand is from the same person (by its number)."""

    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        number = request.POST.get("conversation", "").strip().lstrip("#")
        if not number.isdigit() or len(number) > 12:
            raise ValidationError(_("Give the number of the other conversation, such as 1234."))
        authors.do_link_authors(actor=_actor(request), conversation=conversation, other_conversation_id=int(number))
        return _("Linked: the author card shows them as one person.")


class AuthorUnlinkView(WorkflowActionView):
    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        authors.do_unlink_author(actor=_actor(request), conversation=conversation, author_id=self.kwargs["author_id"])
        return _("Link removed.")


class NoteView(WorkflowActionView):
    def change(self, request: HttpRequest, conversation: Conversation) -> str:
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise _form_error(form)
        workflow.do_add_note(actor=_actor(request), conversation_id=conversation.pk, text=form.cleaned_data["text"])
        return _("Note added.")
