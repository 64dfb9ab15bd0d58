"""The queue page: filters, counts, keyset "load more", live row refreshes, shift toggle, bulk actions."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
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
from brands.selectors import brands_for
from inbox import bulk
from inbox.forms import BulkForm, QueueFilterForm
from inbox.models import AgentAvailability, BulkJob, Conversation, Tag, Visibility
from inbox.selectors import (
    PAGE_SIZE,
    QueueFilters,
    Sort,
    conversation_for,
    order_key,
    queue_counts,
    queue_page,
    queue_rows,
)
from inbox.services import workflow
from inbox.templatetags.inbox_tags import countdown
from inbox.views.conversation import render_pane
from monitoring.health import failing_accounts
from monitoring.models import MonitoredQuery, Platform
from responses.selectors import saved_replies_of_brands

MAX_LIVE_IDS = PAGE_SIZE


def _filters(request: HttpRequest) -> tuple[QueueFilterForm, QueueFilters]:
    form = QueueFilterForm(request.GET)
    form.is_valid()  # invalid fields fall back to their defaults; the form shows what was wrong
    return form, form.to_filters()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _present(rows: list[Conversation], sort: Sort) -> list[Conversation]:
    """Precompute what each row shows, so the row template only prints values (50 rows stay cheap)."""
    root = reverse("inbox:queue")
    platforms = dict(Platform.choices)
    for row in rows:
        author = row.author
        channel = platforms.get(row.account.platform, row.account.platform)
        due = row.response_due_at
        row.shown = {  # type: ignore[attr-defined]
            "url": f"{root}c/{row.pk}/",
            "author": _clip((author.name or author.handle) if author else "Unknown author", 60),
            "handle": _clip(author.handle, 40) if author else "",
            "channel": f"{channel} · DM" if row.visibility == Visibility.PRIVATE else channel,
            "due_iso": due.astimezone(dt.UTC).isoformat() if due else "",
            "due_text": countdown(due),
            "owner": row.assignee_name or row.team_name or "",  # type: ignore[attr-defined]
            "order": order_key(row, sort),
        }
    return rows


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class QueueView(RoleRequiredMixin, TemplateView):
    """/inbox/: one queue across the user's brands and channels."""

    template_name = "inbox/queue.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form, filters = _filters(self.request)
        brands = list(brands_for(user))
        brand_ids = [brand.pk for brand in brands]
        try:
            page = queue_page(user, filters, now=timezone.now(), cursor=None)
        except ValueError:
            raise Http404("This page of the queue does not exist.") from None
        _present(page.rows, filters.sort)
        availability = AgentAvailability.objects.filter(user_id=cast(User, user).pk).first()
        filter_query = _query_without(self.request, "cursor", "ids", "c")
        context.update(
            form=form,
            filters=filters,
            brands=brands,
            page=page,
            tags=Tag.objects.filter(brand_id__in=brand_ids).order_by("name"),
            queries=MonitoredQuery.objects.filter(brand_id__in=brand_ids).order_by("name"),
            teams=Team.objects.filter(brand_id__in=brand_ids),
            people=User.objects.filter(brands__pk__in=brand_ids).distinct().order_by("username"),
            filter_query=filter_query,
            active_filters=_active_filters(form),
            open_pane=self._open_pane(filter_query),
            live_ids_max=MAX_LIVE_IDS,
            bulk_actions=list(bulk.REGISTRY.values()),
            saved_replies=saved_replies_of_brands(brand_ids),
            on_shift=bool(availability and availability.on_shift),
            failing_accounts=failing_accounts(brand_ids),
        )
        return context

    def _open_pane(self, filter_query: str) -> str:
        """?c=<id> opens that conversation beside the queue (a deep link of the split view)."""
        try:
            conversation_id = int(self.request.GET.get("c", ""))
        except ValueError:
            return ""
        conversation = conversation_for(self.request.user, conversation_id)
        if conversation is None:
            return render_to_string("inbox/_pane_missing.html")
        close_url = reverse("inbox:queue") + (f"?{filter_query}" if filter_query else "")
        return render_pane(self.request, conversation, close_url=close_url)


FILTER_FIELDS = ("status", "assignee", "brand", "channel", "sla", "sentiment", "tag", "query", "team", "language")


def _active_filters(form: QueueFilterForm) -> int:
    """How many filters behind the "Filters" button narrow the queue (the button says so)."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    defaults = {"status": "open_work", "assignee": "anyone"}
    active = sum(1 for name in FILTER_FIELDS if data.get(name) not in (None, "", defaults.get(name)))
    return active + (data.get("min_priority") is not None)


class QueueRowsView(RoleRequiredMixin, View):
    """The rows partial: the next keyset page ("load more"), or given ids refreshed live."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, filters = _filters(request)
        now = timezone.now()
        if "ids" in request.GET:
            try:
                ids = [int(part) for part in request.GET["ids"].split(",") if part][:MAX_LIVE_IDS]
            except ValueError:
                return HttpResponseBadRequest("ids must be conversation numbers separated by commas.")
            rows = _present(queue_rows(request.user, filters, ids=ids, now=now), filters.sort)
            # Partials skip the context processors: the rows need no role or CSRF token.
            return HttpResponse(render_to_string("inbox/_live_rows.html", {"rows": rows}))
        try:
            page = queue_page(request.user, filters, now=now, cursor=request.GET.get("cursor") or None)
        except ValueError as error:
            return HttpResponseBadRequest(str(error))
        _present(page.rows, filters.sort)
        context = {"page": page, "filter_query": _query_without(request, "cursor", "ids")}
        return HttpResponse(render_to_string("inbox/_rows.html", context))


class QueueCountsView(RoleRequiredMixin, View):
    """How many conversations each status, assignee and SLA choice holds (loaded after the list)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _form, filters = _filters(request)
        counts = queue_counts(request.user, filters, timezone.now())
        return HttpResponse(render_to_string("inbox/_counts.html", {"counts": counts}))


class ShiftView(RoleRequiredMixin, View):
    """Start or end one's shift: round-robin only hands conversations to people on shift."""

    def post(self, request: HttpRequest) -> HttpResponse:
        on_shift = request.POST.get("on_shift") == "1"
        workflow.do_set_availability(user=cast(User, request.user), on_shift=on_shift, seen=True)
        messages.info(request, _("You are on shift.") if on_shift else _("You are off shift."))
        return HttpResponseRedirect(reverse("inbox:queue"))


class BulkStartView(RoleRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(str(message) for problems in form.errors.values() for message in problems)
            return render(request, "inbox/_bulk_job.html", {"error": errors}, status=400)
        try:
            job = bulk.start_bulk_job(
                actor=cast(User, request.user),
                action=form.cleaned_data["action"],
                conversation_ids=form.cleaned_data["conversation_ids"],
                params=form.cleaned_data["params"] or {},
            )
        except ValidationError as error:
            return render(request, "inbox/_bulk_job.html", {"error": error.messages[0]}, status=400)
        return render(request, "inbox/_bulk_job.html", {"job": job})


class BulkJobView(RoleRequiredMixin, View):
    """A bulk job's progress and per-conversation results (only its owner sees it)."""

    def get(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = BulkJob.objects.filter(pk=job_id, user_id=cast(User, request.user).pk).first()
        if job is None:
            raise Http404("No such bulk job.")
        return render(request, "inbox/_bulk_job.html", {"job": job})
