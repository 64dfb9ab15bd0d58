"""People: invitations with a one-time link, roles no higher than one's own, brands one is on, deactivation."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from accounts.roles import Role, role_of
from accounts.services import create_user
from accounts.tokens import create_token
from brands.services import add_brand, add_member
from settings_pages.people import PeopleError, Profile, deactivate_person, invite_person, update_person
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture
def other_brand(db):
    return add_brand(slug="other", name="Other Brand")


def invite(client: Client, **fields: object):
    form = {"username": "nina", "email": "nina@example.com", "role": "agent", "time_zone": "UTC", "language": "en"}
    return client.post("/settings/people/", {**form, **fields})


def test_an_admin_invites_an_agent_who_sets_a_password_once_and_sees_the_inbox(client, admin_user, brand):
    client.force_login(admin_user)
    answer = invite(client, brands=[brand.pk])
    link = answer.context["link"]
    nina = User.objects.get(username="nina")
    assert (role_of(nina), list(nina.brands.all()), nina.has_usable_password()) == (Role.AGENT, [brand], False)

    newcomer = Client()
    form_page = newcomer.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    landed = newcomer.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)

    assert landed.redirect_chain[-1][0] == "/inbox/"
    assert Client().login(username="nina", password=NEW_PASSWORD)
    assert "has been used or has expired" in Client().get(link, follow=True).content.decode()


def test_an_admin_cannot_invite_into_a_brand_they_are_not_on(client, admin_user, other_brand):
    client.force_login(admin_user)
    answer = invite(client, brands=[other_brand.pk])
    assert answer.status_code == 400
    assert not User.objects.filter(username="nina").exists()


def test_a_role_above_ones_own_is_refused_by_the_service(brand, supervisor):
    with pytest.raises(PeopleError, match="above your own"):
        invite_person(actor=supervisor, username="x", role=Role.ADMIN, brands=[brand], profile=Profile())


def test_an_admin_cannot_change_someone_who_is_also_on_a_brand_they_are_not_on(brand, admin_user, other_brand):
    shared = create_user(username="shared", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=shared)
    add_member(brand=other_brand, user=shared)

    with pytest.raises(PeopleError, match="not on other"):
        update_person(actor=admin_user, person=shared, role=Role.ADMIN, brands=[brand], teams=[], profile=Profile())
    assert role_of(User.objects.get(pk=shared.pk)) == Role.AGENT


def test_removing_someone_from_ones_brand_keeps_their_other_brands(brand, admin_user, other_brand, agent):
    add_member(brand=other_brand, user=agent)
    update_person(
        actor=admin_user,
        person=agent,
        role=Role.AGENT,
        brands=[],
        teams=[],
        profile=Profile(email=agent.email, time_zone=agent.time_zone, language=agent.language),
    )
    assert list(agent.brands.all()) == [other_brand]


def test_deactivating_someone_ends_their_sessions_and_api_tokens_at_once(client, admin_user, agent):
    session = Client()
    session.force_login(agent)
    _, token = create_token(user=agent)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert session.get("/inbox/").status_code == 200
    assert api.get("/api/v1/conversations/").status_code == 200

    deactivate_person(actor=admin_user, person=agent)

    assert session.get("/inbox/").status_code == 302  # to the login page
    assert api.get("/api/v1/conversations/").status_code == 401


def test_supervisors_read_the_people_page_but_cannot_invite(client, supervisor, brand):
    client.force_login(supervisor)
    assert client.get("/settings/people/").status_code == 200
    assert invite(client, brands=[brand.pk]).status_code == 403


def run_people(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    original, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("people", *args, stdout=out)
    finally:
        sys.stdin = original
    return out.getvalue()


def test_people_add_prints_a_one_time_link_without_a_password(brand):
    printed = run_people("add", "omar", "--role", "supervisor", "--brand", "acme", "--email", "o@example.com")
    omar = User.objects.get(username="omar")
    assert (role_of(omar), omar.email, list(omar.brands.all())) == (Role.SUPERVISOR, "o@example.com", [brand])
    assert "/accounts/set-password/" in printed


def test_people_add_reads_the_password_from_stdin(brand):
    run_people("add", "pia", "--role", "admin", "--brand", "acme", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert Client().login(username="pia", password=NEW_PASSWORD)
    assert not User.objects.get(username="pia").is_staff


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--role", "boss", "--brand", "acme"], "no role 'boss'"),
        (["--role", "agent", "--brand", "nope"], "no brand 'nope'"),
    ],
)
def test_people_add_refuses_an_unknown_role_or_brand(brand, args, says):
    with pytest.raises(CommandError, match=says):
        run_people("add", "quinn", *args)
    assert not User.objects.filter(username="quinn").exists()
