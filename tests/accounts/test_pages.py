"""Every page checks the role: agents are refused supervisor and admin pages with 403."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

AGENT_PAGES = ["inbox:queue"]
SUPERVISOR_PAGES = ["inbox:dashboard"]
ADMIN_PAGES = ["monitoring:setup"]


@pytest.mark.parametrize("name", AGENT_PAGES + SUPERVISOR_PAGES + ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("fixture", "allowed", "refused"),
    [
        ("agent", AGENT_PAGES, SUPERVISOR_PAGES + ADMIN_PAGES),
        ("supervisor", AGENT_PAGES + SUPERVISOR_PAGES, ADMIN_PAGES),
        ("admin_user", AGENT_PAGES + SUPERVISOR_PAGES + ADMIN_PAGES, []),
    ],
)
def test_each_role_reaches_its_pages_and_is_refused_the_rest(client, request, fixture, allowed, refused):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    for name in allowed:
        assert client.get(reverse(name)).status_code == 200, name
    for name in refused:
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert b"Not allowed" in response.content


@pytest.mark.parametrize("fixture", ["agent", "admin_user"])
def test_role_holders_are_refused_the_django_admin(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get("/admin/brands/brand/")
    assert response.status_code == 302  # the admin sends those it does not accept to its own login
    assert "/admin/login/" in response["Location"]


def test_staff_admin_who_is_not_superuser_is_refused_the_django_admin(client, admin_user):
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)
    assert client.get("/admin/brands/brand/").status_code == 302


def test_superuser_uses_the_django_admin(client, db):
    from accounts.models import User

    root = User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.com")
    client.force_login(root)
    assert client.get("/admin/brands/brand/").status_code == 200


def test_login_with_wrong_password_says_so(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match" in response.content


def test_login_with_right_password_lands_in_the_inbox(client, agent):
    response = client.post(reverse("login"), {"username": "agent", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inbox:queue")
    assert b"Acme Coffee" in response.content


def test_user_without_brand_sees_the_empty_state(client, db):
    from accounts.roles import Role
    from accounts.services import create_user

    loner = create_user(username="loner", password=PASSWORD, role=Role.AGENT)
    client.force_login(loner)
    assert b"not on any brand yet" in client.get(reverse("inbox:queue")).content
