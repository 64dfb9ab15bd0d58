"""Pages of the responses app: saved replies and offers (supervisors), approval rules, the approval queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role
from brands.models import Brand
from brands.selectors import brands_for
from inbox.services.replies import ReplyRefused
from responses import approvals
from responses.forms import DecisionForm, OfferForm, OfferLimitsForm, ResponseSettingsForm, SavedReplyForm
from responses.models import ApprovalStatus, Offer, RedemptionStatus, ReplyApproval, ResponseSettings, SavedReply
from responses.offers import add_offer, limits_line

PAGE_SIZE = 50


class _Supervisors(RoleRequiredMixin):
    minimum_role = Role.SUPERVISOR
    request: HttpRequest

    def brands(self) -> QuerySet[Brand]:
        return brands_for(self.request.user)


class _SavedReplies(_Supervisors):
    def get_queryset(self) -> QuerySet[SavedReply]:
        return SavedReply.objects.filter(brand__in=self.brands()).select_related("brand")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["brands"] = self.brands()
        return kwargs

    def get_success_url(self) -> str:
        return reverse("responses:replies")


class SavedReplyListView(_SavedReplies, ListView):
    """Every variant of every saved reply of the user's brands, searchable by title and text."""

    template_name = "responses/replies/list.html"
    context_object_name = "replies"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[SavedReply]:
        found = super().get_queryset()
        query = self.request.GET.get("q", "").strip()[:200]
        if query:
            found = found.filter(Q(title__icontains=query) | Q(text__icontains=query))
        return found.order_by("brand__name", "title", "language", "id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(q=self.request.GET.get("q", "")[:200], **kwargs)


class SavedReplyCreateView(_SavedReplies, CreateView):
    form_class = SavedReplyForm
    template_name = "responses/replies/form.html"

    def get_initial(self) -> dict[str, Any]:
        # "Add a variant" links pass the reply's brand, title and category.
        return {key: self.request.GET[key] for key in ("brand", "title", "category") if key in self.request.GET}


class SavedReplyUpdateView(_SavedReplies, UpdateView):
    form_class = SavedReplyForm
    template_name = "responses/replies/form.html"


class SavedReplyDeleteView(_SavedReplies, DeleteView):
    template_name = "responses/confirm_delete.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        # The confirmation is a plain Form: it takes no brands (the queryset already limits what is deleted).
        kwargs: dict[str, Any] = DeleteView.get_form_kwargs(self)
        return kwargs


class _Offers(_Supervisors):
    def get_queryset(self) -> QuerySet[Offer]:
        return Offer.objects.filter(brand__in=self.brands()).select_related("brand")

    def get_success_url(self) -> str:
        return reverse("responses:offers")


class OfferListView(_Offers, ListView):
    template_name = "responses/offers/list.html"
    context_object_name = "offers"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Offer]:
        return (
            super()
            .get_queryset()
            .annotate(
                codes_left=Count("codes", filter=Q(codes__given_at__isnull=True), distinct=True),
                given=Count("redemptions", filter=Q(redemptions__status=RedemptionStatus.GIVEN), distinct=True),
            )
            .order_by("brand__name", "name", "id")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["limits"] = {offer.pk: limits_line(offer) for offer in context["offers"]}
        return context


class OfferCreateView(_Offers, CreateView):
    form_class = OfferForm
    template_name = "responses/offers/form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return super().get_form_kwargs() | {"brands": self.brands()}

    def form_valid(self, form: OfferForm) -> HttpResponse:  # type: ignore[override]
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name not in ("brand", "shared_code")}
        try:
            add_offer(brand=form.cleaned_data["brand"], source=form.source, **fields)
        except ReplyRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)  # type: ignore[arg-type]
        messages.success(self.request, _("Added the offer %(name)s.") % {"name": fields["name"]})
        return HttpResponseRedirect(self.get_success_url())


class OfferUpdateView(_Offers, UpdateView):
    form_class = OfferLimitsForm
    template_name = "responses/offers/form.html"


class ResponseSettingsView(_Supervisors, View):
    """One brand's default language and approval rules."""

    def _settings(self, brand_id: int) -> ResponseSettings:
        brand = self.brands().filter(pk=brand_id).first()
        if brand is None:
            raise Http404("No such brand.")
        found, _created = ResponseSettings.objects.get_or_create(brand=brand)
        return found

    def _form(self, settings: ResponseSettings, data: Any = None) -> ResponseSettingsForm:
        members = User.objects.filter(brands=settings.brand_id).order_by("username")
        return ResponseSettingsForm(data, instance=settings, members=members)

    def get(self, request: HttpRequest, brand_id: int) -> HttpResponse:
        settings = self._settings(brand_id)
        return render(request, "responses/rules.html", {"form": self._form(settings), "brand": settings.brand})

    def post(self, request: HttpRequest, brand_id: int) -> HttpResponse:
        settings = self._settings(brand_id)
        form = self._form(settings, request.POST)
        if not form.is_valid():
            return render(request, "responses/rules.html", {"form": form, "brand": settings.brand}, status=422)
        form.save()
        messages.success(request, _("Saved the reply rules of %(brand)s.") % {"brand": settings.brand.name})
        return HttpResponseRedirect(reverse("responses:rules", args=[brand_id]))


class ApprovalQueueView(_Supervisors, View):
    """Replies waiting for a supervisor, oldest first: the reply, its conversation, why it waits."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(approvals.pending_approvals_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
        return render(request, "responses/approvals.html", {"page": page, "approvals": page.object_list})


class ApprovalDecideView(_Supervisors, View):
    """POST: approve (the text as shown, possibly edited) or reject with a reason."""

    def post(self, request: HttpRequest, approval_id: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if not ReplyApproval.objects.filter(pk=approval_id, brand__in=self.brands()).exists():
            raise Http404("No such reply waiting.")
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or reject."))
            return HttpResponseRedirect(reverse("responses:approvals"))
        try:
            if form.cleaned_data["decision"] == "approve":
                edited = form.cleaned_data["text"] or None
                approvals.approve(supervisor=user, approval_id=approval_id, text=edited)
                messages.success(request, _("Approved: the reply is on its way."))
            else:
                approvals.reject(supervisor=user, approval_id=approval_id, reason=form.cleaned_data["reason"])
                messages.success(request, _("Rejected; the agent sees your reason."))
        except ReplyRefused as refused:
            messages.error(request, refused.message)
        return HttpResponseRedirect(reverse("responses:approvals"))


class ApprovalStatusView(RoleRequiredMixin, View):
    """GET: where a held reply stands, for the composer (the fragment polls itself until decided)."""

    minimum_role = Role.AGENT

    def get(self, request: HttpRequest, approval_id: int) -> HttpResponse:
        approval = (
            ReplyApproval.objects.select_related("decided_by", "reply__account")
            .filter(pk=approval_id, brand__in=brands_for(request.user))
            .first()
        )
        if approval is None:
            raise Http404("No such reply.")
        return render(
            request, "responses/_approval_status.html", {"approval": approval, "PENDING": ApprovalStatus.PENDING}
        )
