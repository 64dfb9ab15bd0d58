"""Creating people and giving them a role."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role


@transaction.atomic
def create_user(*, username: str, password: str, role: Role, email: str = "", time_zone: str = "UTC") -> User:
    user = User.objects.create_user(username=username, password=password, email=email, time_zone=time_zone)
    set_role(user=user, role=role)
    return user


@transaction.atomic
def set_role(*, user: User, role: Role) -> None:
    """Give the user exactly one role. No role opens the Django admin: it is for superusers only."""
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    user.groups.remove(*role_groups)
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
