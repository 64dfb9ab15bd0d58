"""Tell a person's open websockets when what they may see changed: their role, their brands, their account.

The consumers re-check role and membership when this reaches them and close or leave brand groups at once.
Listening to the models' signals covers every path that changes them: these pages, the command line and the
Django admin.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save

from accounts.models import User
from brands.models import Brand
from inbox.events import ACCESS_CHANGED, publish_to_user_on_commit

CHANGING_ACTIONS = ("post_add", "post_remove", "pre_clear")


def _tell(user_ids: set[int] | list[int]) -> None:
    for user_id in user_ids:
        publish_to_user_on_commit(user_id=user_id, kind=ACCESS_CHANGED, payload={})


def membership_changed(sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any) -> None:
    """A brand's members or a person's role groups changed, from either side of the relation."""
    if action not in CHANGING_ACTIONS:
        return
    if isinstance(instance, User):
        _tell({instance.pk})
    elif action == "pre_clear":
        people = instance.members if isinstance(instance, Brand) else instance.user_set
        _tell(set(people.values_list("pk", flat=True)))
    else:
        _tell(set(pk_set or ()))


def account_saved(
    sender: Any, instance: User, update_fields: frozenset[str] | None, created: bool, **kwargs: Any
) -> None:
    if created or (update_fields is not None and not {"is_active", "is_superuser", "password"} & set(update_fields)):
        return
    _tell({instance.pk})


def connect() -> None:
    m2m_changed.connect(membership_changed, sender=Brand.members.through, dispatch_uid="settings.brand_members")
    m2m_changed.connect(membership_changed, sender=User.groups.through, dispatch_uid="settings.user_groups")
    post_save.connect(account_saved, sender=User, dispatch_uid="settings.user_saved")
