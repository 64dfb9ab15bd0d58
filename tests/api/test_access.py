"""Who may call the inbox API: token and session auth, anonymous, role-less, other brands; the schema and docs."""

from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.validation import validate_schema

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import Direction, Message, Status
from inbox.services import workflow
from tests.api.helpers import API, TokenClient, conversation_url
from tests.conftest import PASSWORD
from tests.inbox.factories import conversation_with_message

# Every endpoint with a request that would succeed for an agent of the conversation's brand.
ENDPOINTS = [
    ("get", "", None),
    ("post", "reply", {"text": "Thanks!", "idempotency_key": "7d5fc2d8-64f4-4a36-9d1e-3b2b7a0c6f10"}),
    ("post", "assign", {"assignee": "me"}),
    ("post", "status", {"status": "resolved"}),
    ("post", "tags", {"name": "refund"}),
    ("delete", "tags/{tag}", None),
]


def call(client, method: str, url: str, data: dict | None):
    if method == "get":
        return client.get(url)
    if method == "delete":
        return client.delete(url)
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def tagged(brand, agent):
    conversation = conversation_with_message(brand)
    tag = workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="vip")
    return conversation, tag


def endpoint_urls(conversation, tag):
    for method, action, data in ENDPOINTS:
        yield method, conversation_url(conversation.pk, action.format(tag=tag.pk)), data


def test_token_and_session_auth_both_reach_the_queue(client, brand, agent):
    mine = conversation_with_message(brand)
    by_token = TokenClient(agent).get(API)
    client.force_login(agent)
    by_session = client.get(API)
    assert by_token.status_code == by_session.status_code == 200
    assert [row["id"] for row in by_token.json()["results"]] == [mine.pk]
    assert by_session.json()["results"] == by_token.json()["results"]


def test_anonymous_and_bad_tokens_get_401_with_a_token_challenge_everywhere(client, brand, tagged):
    conversation, tag = tagged
    for method, url, data in [("get", API, None), *endpoint_urls(conversation, tag)]:
        response = call(client, method, url, data)
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"
    assert client.get(API, headers={"Authorization": "Token not-a-real-token"}).status_code == 401
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 0


def test_a_user_without_a_role_is_refused_on_every_endpoint(client, brand, tagged):
    conversation, tag = tagged
    roleless = User.objects.create_user(username="visitor", password=PASSWORD)
    add_member(brand=brand, user=roleless)
    client.force_login(roleless)
    for method, url, data in [("get", API, None), *endpoint_urls(conversation, tag)]:
        response = call(client, method, url, data)
        assert response.status_code == 403, (method, url)
        assert response.json()["detail"] == "The inbox API needs the agent role."
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee_id) == (Status.NEW, None)


def test_another_brands_conversation_is_404_and_untouched(client, brand, tagged):
    conversation, tag = tagged
    add_brand(slug="globex", name="Globex")
    stranger = create_user(username="stranger", password=PASSWORD, role=Role.ADMIN)
    add_member(brand=add_brand(slug="initech", name="Initech"), user=stranger)
    client.force_login(stranger)
    for method, url, data in endpoint_urls(conversation, tag):
        response = call(client, method, url, data)
        assert response.status_code == 404, (method, url)
        assert response.json() == {"detail": "No such conversation in your brands."}
    assert client.get(API, {"status": "all"}).json()["results"] == []
    assert client.get(API, {"brand": brand.pk}).json()["results"] == []
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee_id) == (Status.NEW, None)
    assert list(conversation.tags.values_list("name", flat=True)) == ["vip"]
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 0


def test_the_same_requests_succeed_for_an_agent_of_the_brand(client, brand, agent, tagged):
    """The refusals above are about who asks, not about the requests."""
    conversation, tag = tagged
    client.force_login(agent)
    codes = [call(client, method, url, data).status_code for method, url, data in endpoint_urls(conversation, tag)]
    assert codes == [200, 201, 200, 200, 201, 204]


def test_session_writes_need_the_csrf_token_but_token_writes_do_not(brand, agent):
    conversation = conversation_with_message(brand)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    url = conversation_url(conversation.pk, "status")
    refused = browser.post(url, {"status": "open"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/inbox/")  # the inbox page sets the CSRF cookie, as in a browser
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(url, {"status": "open"}, content_type="application/json", headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert TokenClient(agent).post(url, {"status": "pending"}).status_code == 200


def test_schema_and_docs_need_a_login(client, agent):
    assert client.get("/api/schema/", {"format": "json"}).status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/accounts/login/")
    assert TokenClient(agent).get("/api/schema/", {"format": "json"}).status_code == 200


def test_schema_is_valid_openapi_and_names_every_endpoint(client, agent):
    client.force_login(agent)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on anything that is not OpenAPI 3
    paths = set(schema["paths"])
    assert {
        "/api/v1/conversations/",
        "/api/v1/conversations/{conversation_id}/",
        "/api/v1/conversations/{conversation_id}/reply/",
        "/api/v1/conversations/{conversation_id}/assign/",
        "/api/v1/conversations/{conversation_id}/status/",
        "/api/v1/conversations/{conversation_id}/tags/",
        "/api/v1/conversations/{conversation_id}/tags/{tag_id}/",
        "/api/v1/sla/summary",
    } <= paths
    listed = {p["name"] for p in schema["paths"]["/api/v1/conversations/"]["get"]["parameters"]}
    assert {"brand", "channel", "status", "assignee", "sla", "q", "tag", "query", "sort", "cursor", "limit"} <= listed
    assert {"knoxApiToken", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_serves_swagger_ui_from_our_own_static_files(client, agent):
    client.force_login(agent)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200
