"""The connectors pointed at the sandbox platform served over real HTTP."""

from collections.abc import Iterator

import pytest

from monitoring.models import Brand
from monitoring.services import add_brand


@pytest.fixture
def platforms(sandbox_url, settings) -> Iterator[str]:
    """Route tweepy and facebook-sdk to the sandbox; a short timeout so slow answers fail fast."""
    settings.PROMPTLY_X_API_URL = f"{sandbox_url}/x"
    settings.PROMPTLY_GRAPH_API_URL = f"{sandbox_url}/graph"
    settings.PROMPTLY_HTTP_TIMEOUT_SECONDS = 1.5
    yield sandbox_url


@pytest.fixture
def live_brand(transactional_db) -> Brand:
    """The brand for tests that use committed data (a server in another thread); the `brand` one when asked too."""
    existing = Brand.objects.filter(slug="acme").first()
    return existing or add_brand(slug="acme", name="Acme Coffee", time_zone="America/Los_Angeles")
