"""The three roles (agent, supervisor, admin), their Django groups and permissions, and checks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _

# Apps whose models each role may view; admins may also change them.
ROLE_APPS = ("accounts", "brands", "monitoring", "inbox", "responses", "crisis", "django_celery_beat")


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Admin")


# A higher role can do everything a lower one can.
RANK = {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's highest role, or None for anonymous users and users without one."""
    if not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    names = {group.name for group in user.groups.all()}  # type: ignore[attr-defined]
    held = [role for role in Role if role.value in names]
    return max(held, key=RANK.__getitem__) if held else None


def has_role(user: AbstractBaseUser | AnonymousUser, minimum: Role) -> bool:
    role = role_of(user)
    return role is not None and RANK[role] >= RANK[minimum]


def sync_role_groups(**kwargs: Any) -> None:
    """Create the role groups and give each its permissions (run after every migrate)."""
    permissions = Permission.objects.filter(content_type__app_label__in=ROLE_APPS)
    view = [p for p in permissions if p.codename.startswith("view_")]
    agent_work = [
        p
        for p in permissions
        if p.content_type.app_label in ("inbox", "responses") and not p.codename.startswith("delete_")
    ]
    grants = {
        Role.AGENT: view + agent_work,
        Role.SUPERVISOR: view + agent_work,
        Role.ADMIN: list(permissions),
    }
    for role, granted in grants.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(granted)
