"""A person's notification settings: which kinds of notices about their own work they get."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from inbox.models import NotificationKind
from inbox.notifications import muted_kinds, set_muted_kinds


class NotificationSettingsView(RoleRequiredMixin, View):
    """/inbox/notifications/: every kind is on until the person turns it off here."""

    def get(self, request: HttpRequest) -> HttpResponse:
        muted = muted_kinds(cast(User, request.user).pk)
        kinds = [(kind.value, kind.label, kind.value not in muted) for kind in NotificationKind]
        return render(request, "inbox/notifications.html", {"kinds": kinds})

    def post(self, request: HttpRequest) -> HttpResponse:
        wanted = set(request.POST.getlist("notify"))
        set_muted_kinds(user_id=cast(User, request.user).pk, kinds=set(NotificationKind.values) - wanted)
        messages.success(request, _("Notification settings saved."))
        return HttpResponseRedirect(reverse("inbox:notifications"))
