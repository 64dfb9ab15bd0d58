"""The REST API fuzzed from its own OpenAPI schema (schemathesis): no generated request gets a 5xx."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tokens import create_token
from brands.models import Team
from inbox.services import workflow
from monitoring.queries.services import add_query
from tests.inbox.factories import conversation_with_message

# Enough to reach every parameter and body field of each operation; the suite stays a few minutes long.
EXAMPLES_PER_OPERATION = 30


@pytest.fixture
def in_process_app() -> Iterator[object]:
    """The project's WSGI application on the test's own connection (as Django's test client keeps it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_no_request_generated_from_the_schema_gets_a_server_error(in_process_app, brand, admin_user, agent):
    for text in ("Where is my order?", "Cold brew was great"):
        conversation = conversation_with_message(brand, text=text)
    tag = workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="vip")
    Team.objects.create(brand=brand, name="Night shift")
    query = add_query(brand=brand, name="Outage", query="outage OR down")
    # Half the cases name objects that exist, so bodies reach validation and the services behind it.
    existing = {"conversation_id": conversation.pk, "tag_id": tag.pk, "id": query.pk}
    headers = {"Authorization": f"Token {create_token(user=admin_user)[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process_app, headers=headers)
    server_errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        # Signing out revokes the token it was sent with: each of those calls brings its own.
        if operation.path.endswith("/auth/logout/"):
            error = _fuzz(operation, existing, lambda: {"Authorization": f"Token {create_token(user=admin_user)[1]}"})
        else:
            error = _fuzz(operation, existing, lambda: headers)
        server_errors += [error] if error else []
    assert server_errors == []


def _fuzz(operation: Any, existing: dict[str, int], headers: Callable[[], dict[str, str]]) -> str:
    """The first request of the operation that got a 5xx (shrunk by hypothesis), or ""."""

    @given(case=operation.as_strategy(), real_ids=st.booleans())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def fuzz(case: schemathesis.Case, real_ids: bool) -> None:
        if real_ids and case.path_parameters:
            case.path_parameters = {name: existing.get(name, value) for name, value in case.path_parameters.items()}
        response = case.call(headers=headers())
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.body!r}"

    try:
        fuzz()
    except AssertionError as error:
        return str(error).splitlines()[0]
    return ""
