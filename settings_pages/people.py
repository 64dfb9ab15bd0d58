"""People of a brand: invitations with a one-time set-password link, roles, membership, deactivation.

Roles are global (accounts.roles) and membership says which brands a person works on, so an admin of one
brand may only change what stays inside their brands: they grant roles up to their own, add and remove
membership of their own brands only, and change a person's role, profile or activity only when every
brand of that person is one of theirs (otherwise the change would reach a brand they are not in).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.roles import RANK, Role, role_of
from accounts.services import set_role
from accounts.tokens import revoke_tokens
from brands.models import Brand, Team
from brands.selectors import brands_for


class PeopleError(Exception):
    """A change a person may not make, or input that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Profile:
    """What an admin sets about a person besides role and brands."""

    email: str = ""
    first_name: str = ""
    last_name: str = ""
    time_zone: str = "UTC"
    language: str = ""  # the browser's
    in_training: bool = False


def set_password_path(user: User) -> str:
    """The one-time link to set a password: it stops working once a password is set (the token hashes it)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("set-password", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def check_grantable(*, actor: User, role: Role) -> None:
    own = role_of(actor)
    if own is None or RANK[role] > RANK[own]:
        raise PeopleError(f"You cannot give the {role.label.lower()} role: it is above your own.")


def check_brands(*, actor: User, brands: Iterable[Brand]) -> None:
    mine = set(brands_for(actor).values_list("pk", flat=True))
    outside = [brand.slug for brand in brands if brand.pk not in mine]
    if outside:
        raise PeopleError(f"You are not on {', '.join(outside)}.")


def check_manageable(*, actor: User, person: User) -> None:
    """Role, profile and activity of a person: only theirs to change when it reaches no other brand."""
    if person.is_superuser and not actor.is_superuser:
        raise PeopleError("Only a superuser can change a superuser.")
    held = role_of(person)
    if held is not None:
        check_grantable(actor=actor, role=held)
    check_brands(actor=actor, brands=person.brands.all())


def people_of(actor: User) -> list[User]:
    """Everyone on at least one of the actor's brands, with their brands and teams, by username."""
    return list(
        User.objects.filter(brands__in=brands_for(actor))
        .distinct()
        .prefetch_related("groups", "brands", "teams")
        .order_by("username")
    )


def _clean(person: User) -> None:
    try:
        person.full_clean(exclude=["password"])
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
        raise PeopleError(problems) from error


def _apply(person: User, profile: Profile) -> None:
    for field in ("email", "first_name", "last_name", "time_zone", "language", "in_training"):
        setattr(person, field, getattr(profile, field))


def _set_brands(*, actor: User, person: User, brands: list[Brand]) -> None:
    """Membership of the actor's own brands becomes `brands`; other brands' membership stays as it is."""
    check_brands(actor=actor, brands=brands)
    mine = list(brands_for(actor))
    person.brands.remove(*[brand for brand in mine if brand not in brands])
    person.brands.add(*brands)
    # Teams belong to brands: leaving a brand leaves its teams.
    person.teams.remove(*Team.objects.filter(members=person).exclude(brand__members=person))


def _set_teams(*, actor: User, person: User, teams: list[Team]) -> None:
    mine = Team.objects.filter(brand__in=brands_for(actor))
    if any(team.brand_id not in {b.pk for b in person.brands.all()} for team in teams):
        raise PeopleError("A team belongs to a brand: add the person to the brand first.")
    person.teams.remove(*mine.exclude(pk__in=[team.pk for team in teams]))
    person.teams.add(*teams)


@transaction.atomic
def invite_person(*, actor: User, username: str, role: Role, brands: list[Brand], profile: Profile) -> tuple[User, str]:
    """Create a person with a role on some of the actor's brands; returns them and their set-password link.

    The account has no password until the person follows the link (which works once).
    """
    check_grantable(actor=actor, role=role)
    if not brands:
        raise PeopleError("Choose at least one brand.")
    check_brands(actor=actor, brands=brands)
    return _create(username=username, role=role, brands=brands, profile=profile, password=None)


@transaction.atomic
def add_person(*, username: str, role: Role, brand: Brand, profile: Profile, password: str | None) -> tuple[User, str]:
    """The command line's way in (run by whoever runs the server): no actor, any brand and role."""
    return _create(username=username, role=role, brands=[brand], profile=profile, password=password)


def _create(
    *, username: str, role: Role, brands: list[Brand], profile: Profile, password: str | None
) -> tuple[User, str]:
    if User.objects.filter(username__iexact=username).exists():
        raise PeopleError(f"There is already someone called {username!r}.")
    person = User(username=username)
    _apply(person, profile)
    if password:
        try:
            validate_password(password, person)
        except ValidationError as error:
            raise PeopleError(" ".join(error.messages)) from error
        person.set_password(password)
    else:
        person.set_unusable_password()
    _clean(person)
    person.save()
    set_role(user=person, role=role)
    person.brands.add(*brands)
    return person, set_password_path(person)


@transaction.atomic
def update_person(
    *, actor: User, person: User, role: Role, brands: list[Brand], teams: list[Team], profile: Profile
) -> User:
    """Change role, membership of the actor's brands, teams and profile (each within the actor's reach)."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.brands.filter(pk__in=brands_for(actor)).exists():
        raise PeopleError("This person is on none of your brands.")
    if person.pk == actor.pk and role != role_of(actor):
        raise PeopleError("You cannot change your own role.")
    if role != role_of(person) or profile != profile_of(person):
        check_manageable(actor=actor, person=person)
        check_grantable(actor=actor, role=role)
    _set_brands(actor=actor, person=person, brands=brands)
    _set_teams(actor=actor, person=person, teams=teams)
    _apply(person, profile)
    _clean(person)
    person.save()
    if role != role_of(person):
        set_role(user=person, role=role)
    return person


def profile_of(person: User) -> Profile:
    return Profile(
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        time_zone=person.time_zone,
        language=person.language,
        in_training=person.in_training,
    )


@transaction.atomic
def deactivate_person(*, actor: User, person: User) -> None:
    """Stop everything the person holds at once: sessions (their auth hash changes), API tokens, websockets.

    Sessions: Django checks each session against the password hash on every request, and a deactivated
    person has none. Open websockets close when the access change reaches them (settings_pages.receivers).
    """
    if person.pk == actor.pk:
        raise PeopleError("You cannot deactivate yourself.")
    person = User.objects.select_for_update().get(pk=person.pk)
    check_manageable(actor=actor, person=person)
    person.is_active = False
    person.set_unusable_password()
    person.save(update_fields=["is_active", "password"])
    revoke_tokens(user=person)


@transaction.atomic
def reactivate_person(*, actor: User, person: User) -> str:
    """Let a deactivated person back in: they choose a new password through a fresh one-time link."""
    person = User.objects.select_for_update().get(pk=person.pk)
    check_manageable(actor=actor, person=person)
    person.is_active = True
    person.save(update_fields=["is_active"])
    return set_password_path(person)
