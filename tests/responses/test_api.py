"""The responses API: saved replies, offers, redemptions and approvals, with role and brand checked."""

from __future__ import annotations

import uuid

import pytest

from brands.services import add_brand
from responses.models import ApprovalStatus, Offer, ResponseSettings, SavedReply
from responses.services import add_saved_reply
from tests.api.helpers import TokenClient, conversation_url
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer, send


def test_agents_read_saved_replies_of_their_brands_and_supervisors_write_them(agent, supervisor, brand):
    add_saved_reply(brand=brand, title="Thanks", text="Thanks {author_name}")
    add_saved_reply(brand=add_brand(slug="globex", name="Globex"), title="Theirs", text="x")
    as_agent, as_supervisor = TokenClient(agent), TokenClient(supervisor)
    listed = as_agent.get("/api/v1/saved-replies/").json()
    assert [r["title"] for r in listed] == ["Thanks"]
    new = {"brand": "acme", "title": "Hola", "language": "ES", "category": "answer", "text": "Hola {author_name}"}
    assert as_agent.post("/api/v1/saved-replies/", new).status_code == 403
    assert as_supervisor.post("/api/v1/saved-replies/", new).status_code == 201
    bad = as_supervisor.post("/api/v1/saved-replies/", new | {"title": "Bad", "text": "Hi {nombre}"})
    assert bad.status_code == 400 and "Unknown variable {nombre} at character 4" in bad.json()["text"][0]
    elsewhere = as_supervisor.post("/api/v1/saved-replies/", new | {"brand": "globex", "title": "X"})
    assert elsewhere.status_code == 400
    for url, fields in (("/api/v1/saved-replies/", new), ("/api/v1/offers/", {"name": "N", "generate": 1})):
        nul = as_supervisor.post(url, fields | {"brand": "\x00"})
        assert nul.status_code == 400 and "brand" in nul.json()
    assert SavedReply.objects.get(title="Hola").language == "es"


def test_offers_are_listed_with_codes_left_and_added_by_supervisors(agent, supervisor, brand):
    pooled_offer(brand, "A", "B")
    assert TokenClient(agent).get("/api/v1/offers/").json()[0]["codes_left"] == 2
    new = {"brand": "acme", "name": "Ten off", "generate": 3, "prefix": "TEN-"}
    assert TokenClient(agent).post("/api/v1/offers/", new).status_code == 403
    assert TokenClient(supervisor).post("/api/v1/offers/", new).status_code == 201
    refused = TokenClient(supervisor).post("/api/v1/offers/", {"brand": "acme", "name": "Dup", "codes": ["A", "A"]})
    assert refused.status_code == 400 and not Offer.objects.filter(name="Dup").exists()
    assert Offer.objects.get(name="Ten off").codes.count() == 3


def test_a_reply_held_by_the_api_answers_202_and_a_supervisor_approves_it(agent, supervisor, brand):
    ResponseSettings.objects.create(brand=brand).trainees.add(agent)
    conv = conversation(account(brand))
    held = TokenClient(agent).post(
        conversation_url(conv.pk, "reply"), {"text": "Thanks!", "idempotency_key": str(uuid.uuid4())}
    )
    assert held.status_code == 202 and held.json()["reasons"] == ["agent is in training"]
    approval_id = held.json()["id"]
    assert TokenClient(agent).get("/api/v1/approvals/").status_code == 403
    listed = TokenClient(supervisor).get("/api/v1/approvals/").json()["results"]
    assert [a["id"] for a in listed] == [approval_id]
    approved = TokenClient(supervisor).post(f"/api/v1/approvals/{approval_id}/approve/", {"text": "Thank you!"})
    assert approved.status_code == 200 and approved.json()["status"] == ApprovalStatus.APPROVED
    rejected = TokenClient(supervisor).post(f"/api/v1/approvals/{approval_id}/reject/", {"reason": "late"})
    assert rejected.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/redemptions/", "/api/v1/approvals/"])
def test_redemptions_and_approvals_are_for_supervisors_of_the_brand(agent, supervisor, brand, path):
    offer = pooled_offer(brand, "A")
    send(agent, conversation(account(brand)), "Sorry!", offer_id=offer.pk)
    assert TokenClient(agent).get(path).status_code == 403
    assert TokenClient(supervisor).get(path).status_code == 200
    if path.endswith("redemptions/"):
        [given] = TokenClient(supervisor).get(path).json()["results"]
        assert (given["offer"], given["code_text"], given["agent"]) == ("Free latte", "A", "agent")


def test_the_schema_names_the_responses_endpoints(client, agent):
    client.force_login(agent)  # the schema is for people signed in
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/saved-replies/", "/api/v1/offers/", "/api/v1/redemptions/", "/api/v1/approvals/"):
        assert path in schema
