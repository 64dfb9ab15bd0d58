"""Crisis pages: incidents (list, page, declare, confirm, close, report), playbooks, the staff banner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from accounts.models import User
from accounts.permissions import RoleRequiredMixin
from accounts.roles import Role, has_role
from brands.models import Brand
from brands.selectors import brands_for
from crisis import selectors
from crisis.forms import IncidentForm, PlaybookVersionForm
from crisis.models import Incident, IncidentStatus, PlaybookVersion, Statement
from crisis.services.incidents import crisis_tag_name, do_declare, do_set_status
from crisis.services.playbooks import do_acknowledge, do_approve_version, do_write_version, has_acknowledged
from inbox.models import Tag


def _incident(user: User, incident_id: int) -> Incident:
    incident = (
        selectors.incidents_for(user)
        .select_related("spike", "playbook_version__playbook")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise Http404("No such incident.")
    return incident


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class IncidentListView(RoleRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        incidents = selectors.incidents_for(request.user).order_by("-created_at")[:100]
        return render(
            request,
            "crisis/list.html",
            {"incidents": incidents, "form": IncidentForm(), "brands": brands_for(request.user)},
        )


class IncidentView(RoleRequiredMixin, View):
    def get(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        incident = _incident(user, incident_id)
        supervisor = has_role(user, Role.SUPERVISOR)
        version = incident.playbook_version
        tag = Tag.objects.filter(brand_id=incident.brand_id, name=crisis_tag_name(incident)).first()
        context: dict[str, Any] = {
            "incident": incident,
            "crisis_tag_id": tag.pk if tag else "",
            "timeline": incident.timeline.select_related("actor"),
            "curve": selectors.curve(incident),
            "drivers": incident.spike.drivers if incident.spike else {},
            "version": version,
            "statements": Statement.objects.filter(version=version).order_by("kind") if version else [],
            "acknowledged": has_acknowledged(user=user, incident=incident),
            "supervisor": supervisor,
            "acknowledgements": selectors.acknowledgements(incident) if supervisor else [],
            "confirm_form": IncidentForm(
                initial={
                    "title": incident.title,
                    "severity": incident.severity,
                    "summary": incident.summary,
                    "definition": incident.definition,
                }
            ),
        }
        return render(request, "crisis/incident.html", context)


class DeclareView(RoleRequiredMixin, View):
    """POST: declare a new incident (brand chosen), or confirm a proposed one (incident_id in the URL)."""

    minimum_role = Role.SUPERVISOR

    def post(self, request: HttpRequest, incident_id: int | None = None) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        form = IncidentForm(request.POST)
        if incident_id is not None:
            brand_id = _incident(user, incident_id).brand_id
        else:
            brand = (
                brands_for(user).filter(pk=request.POST.get("brand") or 0).first()
                if (request.POST.get("brand") or "").isdigit()
                else None
            )
            if brand is None:
                raise PermissionDenied("Choose one of your brands.")
            brand_id = brand.pk
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("crisis:incident", incident_id) if incident_id else redirect("crisis:list")
        try:
            incident = do_declare(user=user, brand_id=brand_id, incident_id=incident_id, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("crisis:incident", incident_id) if incident_id else redirect("crisis:list")
        return redirect("crisis:incident", incident.pk)


class StatusView(RoleRequiredMixin, View):
    minimum_role = Role.SUPERVISOR

    def post(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        incident = _incident(user, incident_id)
        try:
            do_set_status(user=user, incident_id=incident.pk, status=request.POST.get("status", ""))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        if request.POST.get("status") == IncidentStatus.CLOSED:
            return redirect("crisis:report", incident.pk)
        return redirect("crisis:incident", incident.pk)


class AcknowledgeView(RoleRequiredMixin, View):
    def post(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        incident = _incident(user, incident_id)
        if incident.status == IncidentStatus.ACTIVE:
            do_acknowledge(user=user, incident_id=incident.pk)
        return redirect("crisis:incident", incident.pk)


class ReportView(RoleRequiredMixin, View):
    def get(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        incident = _incident(request.user, incident_id)  # type: ignore[arg-type]
        context = {"incident": incident, "curve": selectors.curve(incident), "report": selectors.report(incident)}
        return render(request, "crisis/report.html", context)


class ReportCsvView(RoleRequiredMixin, View):
    def get(self, request: HttpRequest, incident_id: int) -> HttpResponse:
        incident = _incident(request.user, incident_id)  # type: ignore[arg-type]
        response = HttpResponse(selectors.report_csv(incident), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.csv"'
        return response


class BannerView(RoleRequiredMixin, View):
    """The crisis banner every staff member of the brand sees, fetched by static/js/crisis.js."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "crisis/_banner.html", {"incidents": selectors.active_incidents_for(request.user)})


class PlaybookView(RoleRequiredMixin, View):
    """Supervisors write versions and approve each other's; everyone on the brand reads them on incident pages."""

    minimum_role = Role.SUPERVISOR

    def _page(self, request: HttpRequest, brand: Brand, form: PlaybookVersionForm, status: int = 200) -> HttpResponse:
        versions = (
            PlaybookVersion.objects.filter(playbook__brand=brand)
            .select_related("playbook", "author", "approver")
            .prefetch_related("statements")
            .order_by("playbook__language", "-number")
        )
        return render(
            request, "crisis/playbook.html", {"brand": brand, "versions": versions, "form": form}, status=status
        )

    def _brand(self, request: HttpRequest, slug: str) -> Brand:
        brand = brands_for(request.user).filter(slug=slug).first()
        if brand is None:
            raise Http404("No such brand.")
        return brand

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self._page(request, self._brand(request, slug), PlaybookVersionForm())

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        brand = self._brand(request, slug)
        if request.POST.get("approve", "").isdigit():
            version = PlaybookVersion.objects.filter(pk=int(request.POST["approve"]), playbook__brand=brand).first()
            if version is None:
                raise Http404("No such version.")
            try:
                do_approve_version(approver=user, version_id=version.pk)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            return redirect("crisis:playbook", brand.slug)
        form = PlaybookVersionForm(request.POST)
        if not form.is_valid():
            return self._page(request, brand, form, status=400)
        data = form.cleaned_data
        do_write_version(
            author=user,
            brand=brand,
            language=data["language"],
            key_facts=data["key_facts"],
            escalation_contacts=data["escalation_contacts"],
            steps=data["steps"],
            statements=form.statements(),
        )
        return redirect("crisis:playbook", brand.slug)
