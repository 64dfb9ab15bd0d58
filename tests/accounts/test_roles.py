"""Roles are groups with permissions; the highest one counts; no role opens the Django admin."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.models import User
from accounts.roles import Role, has_role, role_of
from accounts.services import create_user, set_role


@pytest.mark.django_db
def test_each_role_group_exists_with_permissions_after_migrate():
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert set(groups) >= {"agent", "supervisor", "admin"}
    admin_codenames = {p.codename for p in groups["admin"].permissions.all()}
    agent_codenames = {p.codename for p in groups["agent"].permissions.all()}
    assert {"add_brand", "change_brand", "view_brand"} <= admin_codenames
    assert "view_brand" in agent_codenames
    assert "change_brand" not in agent_codenames


@pytest.mark.django_db
def test_role_of_is_the_highest_group_and_admin_is_not_staff():
    user = create_user(username="ana", password="x-long-password", role=Role.AGENT)
    assert role_of(user) == Role.AGENT
    set_role(user=user, role=Role.ADMIN)
    user = User.objects.get(pk=user.pk)
    assert role_of(user) == Role.ADMIN
    assert not user.is_staff
    assert has_role(user, Role.SUPERVISOR)


@pytest.mark.django_db
def test_set_role_replaces_the_previous_role():
    user = create_user(username="ben", password="x-long-password", role=Role.ADMIN)
    set_role(user=user, role=Role.AGENT)
    user = User.objects.get(pk=user.pk)
    assert [g.name for g in user.groups.all()] == ["agent"]
    assert not user.is_staff
    assert not has_role(user, Role.SUPERVISOR)


def test_anonymous_and_inactive_users_have_no_role():
    assert role_of(AnonymousUser()) is None
    assert not has_role(AnonymousUser(), Role.AGENT)
    assert role_of(User(username="gone", is_active=False)) is None
