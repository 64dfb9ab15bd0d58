"""Crisis mode: declaring and confirming incidents, linked conversations, the banner, the playbook gate, the report."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
from brands.models import Brand
from brands.services import add_brand, add_member
from crisis.models import Acknowledgement, Incident, IncidentStatus, TimelineKind
from crisis.services.incidents import do_declare, do_set_status
from crisis.services.pending import drain
from crisis.services.playbooks import do_acknowledge, do_approve_version, do_write_version
from inbox.models import Conversation, ConversationTag, Direction, Message
from inbox.services.replies import ReplyRefused, ReplyRequest, acknowledge, do_reply
from responses.approvals import approve
from responses.models import ResponseSettings
from responses.services import add_saved_reply
from tests.conftest import PASSWORD
from tests.crisis.history import ingest_complaints
from tests.inbox.ingest_helpers import make_account
from tests.responses.helpers import send

pytestmark = pytest.mark.django_db

HOLDING = "We know the latest update removed saved recipes for some of you. We are restoring them today."


@pytest.fixture
def lead(brand: Brand) -> User:
    user = create_user(username="lead", password=PASSWORD, role=Role.SUPERVISOR)
    add_member(brand=brand, user=user)
    return user


def _playbook(brand: Brand, author: User, approver: User, *, facts: str = "Restored by 18:00 UTC") -> int:
    version = do_write_version(
        author=author,
        brand=brand,
        language="en",
        key_facts=facts,
        escalation_contacts="press@acme.test",
        steps="Answer publicly with the holding statement.",
        statements={"holding": HOLDING, "apology": "We are sorry."},
    )
    return do_approve_version(approver=approver, version_id=version.pk).pk


def _declare(brand: Brand, supervisor: User) -> Incident:
    return do_declare(
        user=supervisor,
        brand_id=brand.pk,
        title="Recipes lost in update",
        severity="high",
        summary="",
        definition="recipes",
    )


def _reply(user: User, conversation_id: int, text: str = HOLDING) -> Message:
    request = ReplyRequest(text=text, idempotency_key=uuid.uuid4())
    return do_reply(user=user, conversation_id=conversation_id, request=request).message


def test_declaring_links_matching_conversations_now_and_as_they_arrive(
    brand: Brand, supervisor: User, django_capture_on_commit_callbacks
) -> None:
    account = make_account(brand)
    now = timezone.now()
    ingest_complaints(account, at=now, count=3, text="Update deleted my saved recipes", prefix="a")
    ingest_complaints(account, at=now, count=2, text="Love the new latte", prefix="b")
    incident = _declare(brand, supervisor)
    assert incident.links.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        ingest_complaints(account, at=now + timedelta(minutes=1), count=2, text="Where are my recipes?", prefix="c")
    drain()
    assert incident.links.count() == 5
    assert ConversationTag.objects.filter(tag__name=f"Crisis #{incident.pk}").count() == 5


def test_agents_cannot_declare_and_other_brands_see_nothing(
    client, brand: Brand, agent: User, supervisor: User
) -> None:
    with pytest.raises(Exception, match="supervisor"):
        do_declare(user=agent, brand_id=brand.pk, title="x", severity="low", summary="", definition="")
    incident = _declare(brand, supervisor)
    outsider = create_user(username="other", password=PASSWORD, role=Role.SUPERVISOR)
    add_member(brand=add_brand(slug="other", name="Other"), user=outsider)
    client.force_login(outsider)
    assert client.get(reverse("crisis:incident", args=[incident.pk])).status_code == 404
    assert (
        client.post(reverse("crisis:confirm", args=[incident.pk]), {"title": "x", "severity": "low"}).status_code == 404
    )
    assert "Recipes lost" not in client.get(reverse("crisis:banner")).content.decode()
    client.force_login(agent)
    assert (
        client.post(reverse("crisis:declare"), {"brand": brand.pk, "title": "x", "severity": "low"}).status_code == 403
    )


def test_staff_see_the_banner_and_must_acknowledge_the_playbook_before_replying(
    client, brand: Brand, agent: User, supervisor: User, lead: User
) -> None:
    account = make_account(brand)
    ingest_complaints(account, at=timezone.now(), count=1, text="My recipes are gone", prefix="a")
    conversation_id = Message.objects.get().conversation_id
    _playbook(brand, supervisor, lead)
    incident = _declare(brand, supervisor)

    client.force_login(agent)
    banner = client.get(reverse("crisis:banner")).content.decode()
    assert "Crisis mode" in banner and "Recipes lost in update" in banner
    page = client.get(reverse("inbox:conversation", args=[conversation_id])).content.decode()
    assert "Statement: Holding statement (v1)" in page and "start from an approved statement" in page
    with pytest.raises(ReplyRefused, match="acknowledge playbook v1"):
        _reply(agent, conversation_id)

    client.post(reverse("crisis:acknowledge", args=[incident.pk]))
    assert _reply(agent, conversation_id).text == HOLDING

    # A newer approved version moves the incident to it: acknowledge again.
    _playbook(brand, lead, supervisor, facts="Restored by 20:00 UTC")
    with pytest.raises(ReplyRefused, match="acknowledge playbook v2"):
        _reply(agent, conversation_id, text=HOLDING + " (2)")
    do_acknowledge(user=agent, incident_id=incident.pk)
    assert [ack.version.number for ack in Acknowledgement.objects.filter(user=agent).order_by("at")] == [1, 2]

    client.force_login(supervisor)
    page = client.get(reverse("crisis:incident", args=[incident.pk])).content.decode()
    assert 'data-testid="acknowledgements"' in page and "agent</td><td>v2" in page.replace("\n", "")


def test_free_text_on_a_conversation_of_the_incident_waits_for_approval_and_a_statement_goes_out(
    client, brand: Brand, agent: User, supervisor: User, lead: User
) -> None:
    account = make_account(brand)
    ingest_complaints(account, at=timezone.now(), count=2, text="My recipes are gone", prefix="a")
    ingest_complaints(account, at=timezone.now(), count=1, text="Lovely latte", prefix="b")
    linked, second, other = (
        Conversation.objects.get(messages__text__startswith=text)
        for text in ("My recipes are gone 0", "My recipes are gone 1", "Lovely")
    )
    _playbook(brand, supervisor, lead)
    incident = _declare(brand, supervisor)
    do_acknowledge(user=agent, incident_id=incident.pk)
    client.force_login(agent)
    page = client.get(reverse("inbox:conversation", args=[linked.pk])).content.decode()
    assert "Free text waits for a supervisor&#x27;s approval" in page

    held = send(agent, linked, "Hang on, we are looking into it.")
    assert held.reply is None and held.approval is not None
    assert held.approval.reasons == [
        "free text during the incident \u201cRecipes lost in update\u201d (not one of its approved statements)"
    ]
    statement = send(agent, linked, "  " + HOLDING.replace(" ", "\n", 1))  # as issued, whitespace aside
    assert statement.approval is None and statement.reply is not None
    assert send(agent, other, "Glad you like it!").approval is None  # not part of the incident
    saved = add_saved_reply(brand=brand, title="Thanks", text="Thanks for telling us, {author_name}.")
    with pytest.raises(ReplyRefused, match="needs a supervisor's approval"):
        acknowledge(user=agent, conversation_id=second.pk, saved_reply_id=saved.pk, idempotency_key=uuid.uuid4())

    approve(supervisor=supervisor, approval_id=held.approval.pk)
    sent = Message.objects.filter(conversation=linked, direction=Direction.OUTBOUND).order_by("pk")
    assert [m.text for m in sent] == [statement.reply.text, "Hang on, we are looking into it."]

    ResponseSettings.objects.create(brand=brand, crisis_free_text=False)
    assert send(agent, second, "Hang on, we are looking into it.").approval is None
    do_set_status(user=supervisor, incident_id=incident.pk, status=IncidentStatus.CLOSED)
    ResponseSettings.objects.filter(brand=brand).update(crisis_free_text=True)
    assert send(agent, linked, "All fixed now?").approval is None  # the incident is over


def test_a_version_is_approved_by_someone_else(brand: Brand, supervisor: User) -> None:
    version = do_write_version(
        author=supervisor, brand=brand, language="en", key_facts="", escalation_contacts="", steps="", statements={}
    )
    with pytest.raises(ValidationError):
        do_approve_version(approver=supervisor, version_id=version.pk)


def test_closing_produces_a_report_and_a_csv(client, brand: Brand, supervisor: User, lead: User) -> None:
    account = make_account(brand)
    ingest_complaints(account, at=timezone.now(), count=2, text="My recipes are gone", prefix="a")
    _playbook(brand, supervisor, lead)
    incident = _declare(brand, supervisor)
    do_acknowledge(user=supervisor, incident_id=incident.pk)
    _reply(supervisor, Message.objects.order_by("pk")[0].conversation_id)
    do_set_status(user=supervisor, incident_id=incident.pk, status=IncidentStatus.CLOSED)

    client.force_login(supervisor)
    report = client.get(reverse("crisis:report", args=[incident.pk])).content.decode()
    assert 'data-testid="replies-sent">1<' in report
    assert "Holding statement (v1, en): 1 replies" in report
    csv_text = client.get(reverse("crisis:report-csv", args=[incident.pk])).content.decode()
    assert csv_text.splitlines()[0] == "minute,mentions,negative,replies_sent"
    assert sum(int(line.split(",")[3]) for line in csv_text.splitlines()[1:]) == 1
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert TimelineKind.DECLARED in kinds and TimelineKind.ACKNOWLEDGED in kinds and TimelineKind.STATUS in kinds
