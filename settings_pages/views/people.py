"""People: who is on the admin's brands, invitations with a one-time link, roles, teams, deactivation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, role_of
from settings_pages.forms import PersonForm
from settings_pages.people import (
    PeopleError,
    Profile,
    deactivate_person,
    invite_person,
    people_of,
    reactivate_person,
    update_person,
)
from settings_pages.views.base import SettingsView


def _profile(data: dict[str, Any]) -> Profile:
    return Profile(
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        time_zone=data["time_zone"],
        language=data["language"],
        in_training=data["in_training"],
    )


def _send_invitation(request: HttpRequest, person: User, link: str) -> None:
    if not person.email:
        return
    url = request.build_absolute_uri(link)
    body = f"You have been invited to Promptly as {person.get_username()}. Choose your password here (once): {url}"
    send_mail("Your Promptly account", body, settings.DEFAULT_FROM_EMAIL, [person.email], fail_silently=True)


class PeopleView(SettingsView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PersonForm(editor=self.user, brands=self.brands()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonForm(request.POST, editor=self.user, brands=self.brands())
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            person, link = invite_person(
                actor=self.user,
                username=data["username"],
                role=Role(data["role"]),
                brands=list(data["brands"]),
                profile=_profile(data),
            )
        except PeopleError as error:
            form.add_error(None, str(error))
            return self._render(request, form, status=400)
        _send_invitation(request, person, link)
        return self._render(
            request,
            PersonForm(editor=self.user, brands=self.brands()),
            invited=person,
            link=request.build_absolute_uri(link),
        )

    def _render(self, request: HttpRequest, form: PersonForm, status: int = 200, **extra: Any) -> HttpResponse:
        people = [(person, role_of(person)) for person in people_of(self.user)]
        context = self.base_context(form=form, people=people, **extra)
        return render(request, "settings_pages/people.html", context, status=status)


class PersonView(SettingsView):
    def _person(self, pk: int) -> User:
        person = User.objects.filter(pk=pk, brands__in=self.brands()).distinct().first()
        if person is None:
            raise Http404("No such person on your brands.")
        return person

    def _initial(self, person: User) -> dict[str, Any]:
        held = role_of(person)
        return {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "role": held.value if held else Role.AGENT.value,
            "brands": [brand for brand in person.brands.all() if brand in self.brands()],
            "teams": list(person.teams.all()),
            "time_zone": person.time_zone,
            "language": person.language,
            "in_training": person.in_training,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self._person(pk)
        form = PersonForm(initial=self._initial(person), editor=self.user, brands=self.brands(), editing=True)
        return self._render(request, person, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self._person(pk)
        form = PersonForm(request.POST, editor=self.user, brands=self.brands(), editing=True)
        if not form.is_valid():
            return self._render(request, person, form, status=400)
        data = form.cleaned_data
        try:
            update_person(
                actor=self.user,
                person=person,
                role=Role(data["role"]),
                brands=list(data["brands"]),
                teams=list(data["teams"]),
                profile=_profile(data),
            )
        except PeopleError as error:
            form.add_error(None, str(error))
            return self._render(request, person, form, status=400)
        messages.success(request, _("Saved %(name)s.") % {"name": person.get_username()})
        return redirect("settings:people")

    def _render(self, request: HttpRequest, person: User, form: PersonForm, status: int = 200) -> HttpResponse:
        context = self.base_context(person=person, form=form, role=role_of(person))
        return render(request, "settings_pages/person.html", context, status=status)


class PersonDeactivateView(PersonView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("settings:person", pk=pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self._person(pk)
        try:
            deactivate_person(actor=self.user, person=person)
        except PeopleError as error:
            messages.error(request, str(error))
            return redirect("settings:person", pk=pk)
        messages.success(
            request,
            _("%(name)s is deactivated: signed out everywhere, tokens revoked.") % {"name": person.get_username()},
        )
        return redirect("settings:people")


class PersonReactivateView(PersonView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("settings:person", pk=pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self._person(pk)
        try:
            link = reactivate_person(actor=self.user, person=person)
        except PeopleError as error:
            messages.error(request, str(error))
            return redirect("settings:person", pk=pk)
        messages.success(
            request,
            f"{person.get_username()} may sign in again after choosing a password: {request.build_absolute_uri(link)}",
        )
        return redirect("settings:person", pk=pk)
