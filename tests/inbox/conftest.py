"""Fixtures of the inbox's tests."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from tests.conftest import PASSWORD


@pytest.fixture
def stranger(db: None) -> User:
    """An agent of another brand."""
    other = add_brand(slug="globex", name="Globex")
    user = create_user(username="stranger", password=PASSWORD, role=Role.AGENT)
    add_member(brand=other, user=user)
    return user
