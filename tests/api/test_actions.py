"""Changing conversations through the API: reply with the composer's checks, assign, status and tags."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from brands.models import Team
from brands.services import add_brand, add_member
from inbox.models import DeliveryStatus, Direction, Message, Status, Visibility
from monitoring.models import Platform
from tests.api.helpers import TokenClient, conversation_url
from tests.conftest import PASSWORD
from tests.inbox.threads import account, conversation


@pytest.fixture
def api(agent):
    return TokenClient(agent)


@pytest.fixture
def conv(brand):
    return conversation(account(brand, Platform.X))


def reply(client, conv, **fields):
    body = {"text": "Thanks, Jane!", "idempotency_key": str(uuid.uuid4())} | fields
    return client.post(conversation_url(conv.pk, "reply"), body)


def outbound():
    return Message.objects.filter(direction=Direction.OUTBOUND)


# ---------------------------------------------------------------- reply


def test_the_same_idempotency_key_twice_gives_one_message(api, conv, agent):
    key = str(uuid.uuid4())
    first = reply(api, conv, idempotency_key=key)
    second = reply(api, conv, idempotency_key=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert outbound().count() == 1
    sent = outbound().get()
    assert (sent.delivery_status, sent.sent_by_id, sent.visibility) == (DeliveryStatus.QUEUED, agent.pk, "public")
    assert first.json()["delivery_status"] == "queued"
    assert first.json()["sent_by"] == {"id": agent.pk, "username": "agent"}


def test_a_key_used_in_another_conversation_is_refused(api, brand, conv):
    key = str(uuid.uuid4())
    assert reply(api, conv, idempotency_key=key).status_code == 201
    elsewhere = conversation(account(brand, Platform.X))
    refused = reply(api, elsewhere, idempotency_key=key)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "This reply form was already used elsewhere; reload the conversation."
    assert outbound().count() == 1


def test_a_reply_answers_the_message_chosen_else_the_customers_latest(api, brand, conv):
    first = conv.messages.get()
    later = Message.objects.create(
        conversation=conv,
        account=conv.account,
        external_id="later-1",
        direction=Direction.INBOUND,
        visibility=conv.visibility,
        author=conv.author,
        text="Still cold",
        platform_time=first.platform_time + dt.timedelta(minutes=1),
        received_at=first.received_at,
    )
    elsewhere = conversation(account(brand, Platform.X)).messages.get()

    chosen = reply(api, conv, reply_to=first.pk)
    latest = reply(api, conv, seen_answer_id=chosen.json()["id"])
    refused = reply(api, conv, reply_to=elsewhere.pk, confirm_replied_meanwhile=True)

    assert (chosen.status_code, latest.status_code) == (201, 201)
    assert [m.in_reply_to for m in outbound().order_by("id")] == [first.external_id, later.external_id]
    assert (refused.status_code, refused.json()["code"]) == (400, "reply_to_elsewhere")


def test_bad_reply_input_is_400_with_field_errors(api, conv):
    missing = api.post(conversation_url(conv.pk, "reply"), {})
    assert missing.status_code == 400
    assert missing.json() == {"text": ["This field is required."], "idempotency_key": ["This field is required."]}
    wrong = reply(api, conv, text="   ", idempotency_key="not-a-uuid", seen_answer_id=-1, private="maybe")
    assert wrong.status_code == 400
    assert set(wrong.json()) == {"text", "idempotency_key", "seen_answer_id", "private"}
    assert wrong.json()["idempotency_key"] == ["Must be a valid UUID."]
    too_long = reply(api, conv, text="a" * 281)
    assert too_long.status_code == 400
    assert list(too_long.json()) == ["text"]
    assert "280" in too_long.json()["text"][0]
    assert outbound().count() == 0


def test_public_to_private_asks_first_and_says_why(api, conv):
    key = str(uuid.uuid4())
    asked = reply(api, conv, private=True, idempotency_key=key)
    assert asked.status_code == 409
    assert asked.json()["code"] == "confirm_private"
    assert "looks like hiding a public complaint" in asked.json()["detail"]
    assert outbound().count() == 0
    sent = reply(api, conv, private=True, confirm_private=True, idempotency_key=key)
    assert sent.status_code == 201
    assert sent.json()["visibility"] == Visibility.PRIVATE


def test_a_private_conversation_is_never_answered_in_public(api, brand):
    dm = conversation(account(brand, Platform.X), visibility=Visibility.PRIVATE)
    refused = reply(api, dm, private=False)
    assert refused.status_code == 400
    assert "would expose what they told you" in refused.json()["detail"]
    assert reply(api, dm).json()["visibility"] == Visibility.PRIVATE


def test_someone_else_replying_meanwhile_asks_for_confirmation(api, brand, conv, supervisor):
    seen = api.get(conversation_url(conv.pk)).json()["latest_answer_id"]
    assert reply(TokenClient(supervisor), conv, text="On it!").status_code == 201
    warned = reply(api, conv, seen_answer_id=seen)
    assert warned.status_code == 409
    assert warned.json()["code"] == "confirm_replied_meanwhile"
    assert "supervisor replied at" in warned.json()["detail"]
    assert "On it!" in warned.json()["detail"]
    fresh = api.get(conversation_url(conv.pk)).json()["latest_answer_id"]
    assert reply(api, conv, seen_answer_id=fresh).status_code == 201
    assert reply(api, conv, confirm_replied_meanwhile=True).status_code == 201
    assert outbound().count() == 3


def test_omitting_seen_answer_id_counts_as_having_seen_no_reply(api, conv, supervisor):
    """An API client that never read the conversation is warned too, rather than answering twice."""
    reply(TokenClient(supervisor), conv, text="On it!")
    assert reply(api, conv).status_code == 409


def test_a_spam_conversation_is_refused_with_the_reason(api, brand):
    spam = conversation(account(brand, Platform.X), status=Status.SPAM)
    refused = reply(api, spam)
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "This conversation is marked as spam. Open it again before replying.",
        "code": "refused",
    }


def test_a_feed_mention_keeps_the_reply_as_a_note(api, brand):
    article = conversation(account(brand, Platform.FEED))
    kept = reply(api, article, text="Legal is looking at this article")
    assert kept.status_code == 201
    assert kept.json()["delivery_status"] == DeliveryStatus.NOTE


# ---------------------------------------------------------------- assign


def test_claim_assign_to_a_colleague_and_team_then_clear(api, brand, conv, agent, supervisor):
    url = conversation_url(conv.pk, "assign")
    claimed = api.post(url, {"assignee": "me"})
    assert claimed.status_code == 200
    assert claimed.json()["assignee"] == {"id": agent.pk, "username": "agent"}
    assert claimed.json()["status"] == "open"  # someone owning a new conversation works on it
    team = Team.objects.create(brand=brand, name="Night shift")
    handed = api.post(url, {"assignee": supervisor.pk, "team": team.pk}).json()
    assert (handed["assignee"]["username"], handed["team"]) == ("supervisor", {"id": team.pk, "name": "Night shift"})
    assert api.post(url, {"assignee": "me"}).json()["team"]["id"] == team.pk  # claiming keeps the team
    cleared = api.post(url, {"assignee": None, "team": None}).json()
    assert (cleared["assignee"], cleared["team"]) == (None, None)


def test_assigning_outside_the_brand_is_400_and_changes_nothing(api, brand, conv):
    other = add_brand(slug="globex", name="Globex")
    outsider = create_user(username="outsider", password=PASSWORD, role=Role.AGENT)
    add_member(brand=other, user=outsider)
    foreign_team = Team.objects.create(brand=other, name="Globex team")
    url = conversation_url(conv.pk, "assign")
    for body, field in [
        ({"assignee": outsider.pk}, "assignee"),
        ({"assignee": 10**9}, "assignee"),
        ({"assignee": "someone"}, "assignee"),
        ({"team": foreign_team.pk}, "team"),
    ]:
        response = api.post(url, body)
        assert response.status_code == 400, body
        assert list(response.json()) == [field], body
    assert api.post(url, {"assignee": outsider.pk}).json() == {
        "assignee": ["No person with this id works on your brands."]
    }
    roleless = create_user(username="viewer", password=PASSWORD, role=Role.AGENT)
    roleless.groups.clear()
    add_member(brand=brand, user=roleless)
    refused = api.post(url, {"assignee": roleless.pk})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "viewer has no agent role and cannot take conversations."
    conv.refresh_from_db()
    assert (conv.assignee_id, conv.team_id) == (None, None)


# ---------------------------------------------------------------- status


def test_status_changes_follow_the_workflow(api, conv):
    url = conversation_url(conv.pk, "status")
    resolved = api.post(url, {"status": "resolved"})
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    refused = api.post(url, {"status": "pending"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "A resolved conversation cannot become pending (waiting on customer)."
    assert api.post(url, {"status": "open"}).json()["status"] == "open"


def test_snoozing_needs_a_future_time(api, conv):
    url = conversation_url(conv.pk, "status")
    assert api.post(url, {"status": "snoozed"}).json()["detail"] == "Snooze until a time in the future."
    until = timezone.now() + dt.timedelta(hours=4)
    snoozed = api.post(url, {"status": "snoozed", "snoozed_until": until.isoformat()}).json()
    assert snoozed["status"] == "snoozed"
    assert dt.datetime.fromisoformat(snoozed["snoozed_until"]) == until


def test_bad_status_input_is_400_with_field_errors(api, conv):
    response = api.post(conversation_url(conv.pk, "status"), {"status": "closed", "snoozed_until": "tomorrow"})
    assert response.status_code == 400
    assert response.json()["status"] == ['"closed" is not a valid choice.']
    assert "Datetime has wrong format" in response.json()["snoozed_until"][0]
    conv.refresh_from_db()
    assert conv.status == Status.NEW


# ---------------------------------------------------------------- tags


def test_tags_are_added_by_name_shown_and_removed(api, conv):
    url = conversation_url(conv.pk, "tags")
    added = api.post(url, {"name": "  Refund   request "})
    assert added.status_code == 201
    tag = added.json()
    assert tag["name"] == "Refund request"
    assert api.post(url, {"name": "refund REQUEST"}).json()["id"] == tag["id"]  # the brand's tag, reused
    assert api.get(conversation_url(conv.pk)).json()["tags"] == [tag]
    removed = api.delete(conversation_url(conv.pk, f"tags/{tag['id']}"))
    assert removed.status_code == 204
    assert api.get(conversation_url(conv.pk)).json()["tags"] == []
    again = api.delete(conversation_url(conv.pk, f"tags/{tag['id']}"))
    assert again.status_code == 400
    assert again.json()["detail"] == "This conversation does not carry that tag."


def test_bad_tag_names_are_400(api, conv):
    url = conversation_url(conv.pk, "tags")
    assert api.post(url, {"name": "x" * 51}).json() == {"name": ["Ensure this field has no more than 50 characters."]}
    assert api.post(url, {"name": ""}).json() == {"name": ["This field may not be blank."]}
    assert api.post(url, {}).json() == {"name": ["This field is required."]}
