"""Moderation buttons of the thread: hide, delete or like a customer's post on its platform."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from inbox.models import Message
from inbox.selectors import conversation_for, thread
from inbox.services import moderation

DONE = {
    "hide": _("Hidden on the platform."),
    "unhide": _("Shown again on the platform."),
    "like": _("Liked on the platform."),
    "unlike": _("Like taken back."),
    "delete": _("Deleted on the platform."),
}


class ModerateView(RoleRequiredMixin, View):
    """POST /inbox/messages/<id>/moderate/ action=hide|unhide|like|unlike|delete."""

    def post(self, request: HttpRequest, message_id: int) -> HttpResponse:
        action = request.POST.get("action", "")
        error = ""
        try:
            message = moderation.do_moderate(actor=cast(User, request.user), message_id=message_id, action=action)
        except moderation.ModerationError as problem:
            error = problem.messages[0]
            message = Message.objects.only("conversation_id").get(pk=message_id)
        conversation = conversation_for(request.user, message.conversation_id)
        if not request.htmx or conversation is None:  # type: ignore[attr-defined]
            (messages.error if error else messages.success)(request, error or DONE[action])
            return HttpResponseRedirect(reverse("inbox:conversation", args=[message.conversation_id]))
        # htmx swaps only 2xx answers: the refusal is shown inside the thread it replaces.
        context = {"conversation": conversation, "messages_": list(thread(conversation)), "moderation_error": error}
        return render(request, "inbox/_thread.html", context)
