"""Connector tests: the brand they poll for, on committed data (the sandbox runs in another thread)."""

import pytest

from brands.models import Brand
from brands.services import add_brand


@pytest.fixture
def live_brand(transactional_db) -> Brand:
    """The brand for tests that use committed data (a server in another thread); the `brand` one when asked too."""
    existing = Brand.objects.filter(slug="acme").first()
    return existing or add_brand(slug="acme", name="Acme Coffee", time_zone="America/Los_Angeles")
