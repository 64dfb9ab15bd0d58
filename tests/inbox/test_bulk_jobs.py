"""Bulk jobs refuse bad parameters before they start, and a job that breaks ends failed with its reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.models import Team
from brands.services import add_brand, add_member
from inbox import bulk
from inbox.models import BulkJob, BulkJobStatus, Conversation
from tests.inbox.threads import account, conversation


def _start(client, agent, conversations: list[Conversation], action: str, params: str):
    client.force_login(agent)
    ids = ",".join(str(c.pk) for c in conversations)
    return client.post(reverse("inbox:bulk"), {"action": action, "conversation_ids": ids, "params": params})


@pytest.fixture
def outsider(db):
    other = add_brand(slug="globex", name="Globex Secret Project")
    person = create_user(username="secret-bob", password="x-long-password-1", role=Role.AGENT)
    add_member(brand=other, user=person)
    return person


@pytest.mark.parametrize(
    ("action", "params", "reason"),
    [
        ("assign", '{"assignee": "abc"}', "Choose a person of your brands"),
        ("assign", '{"assignee": 999999}', "Choose a person of your brands"),
        ("tag", '{"tag": ""}', "Give a tag of 1 to 50 characters"),
        ("tag", '{"tag": ["x"]}', "Give a tag of 1 to 50 characters"),
        ("acknowledge", '{"saved_reply": "12x"}', "Choose the saved reply"),
        ("resolve", "[1, 2]", "parameters must be an object"),
    ],
)
def test_bad_parameters_are_refused_before_a_job_starts(client, agent, brand, action, params, reason):
    answer = _start(client, agent, [conversation(account(brand))], action, params)
    assert answer.status_code == 400
    assert reason in answer.content.decode()
    assert not BulkJob.objects.exists()


def test_assigning_to_someone_of_another_brand_names_neither_them_nor_their_brand(client, agent, brand, outsider):
    answer = _start(client, agent, [conversation(account(brand))], "assign", f'{{"assignee": {outsider.pk}}}')
    assert answer.status_code == 400
    assert "secret-bob" not in answer.content.decode()
    assert not BulkJob.objects.exists()


@pytest.fixture
def breaking_action() -> Iterator[str]:
    """An action whose second item raises what no action expects (a bug, a lost connection)."""
    calls: list[int] = []

    def run(actor, conversation_id, params):
        calls.append(conversation_id)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return "Done"

    bulk.register("breaks", "Breaks", run)
    yield "breaks"
    bulk.REGISTRY.pop("breaks")


def test_a_job_that_breaks_ends_failed_with_its_reason_and_keeps_what_it_did(client, agent, brand, breaking_action):
    first, second, third = (conversation(account(brand, external_id=f"acct-{n}")) for n in range(3))
    answer = _start(client, agent, [first, second, third], breaking_action, "{}")
    job = BulkJob.objects.get(pk=answer.context["job"].pk)

    bulk.run_bulk_job(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == BulkJobStatus.FAILED
    assert job.failure_reason == f"Stopped at #{second.pk}: RuntimeError; the rest was not done."
    assert job.finished_at is not None
    assert list(job.results) == [str(first.pk)]
    page = client.get(reverse("inbox:bulk_job", args=[job.pk])).content.decode()
    assert "RuntimeError; the rest was not done" in page


def test_the_conversation_page_names_no_person_or_team_of_another_brand(client, agent, brand, outsider):
    mine = conversation(account(brand))
    secret_team = Team.objects.create(brand=outsider.brands.get(), name="Secret Project team")
    client.force_login(agent)
    url = reverse("inbox:assign", args=[mine.pk])
    for data in ({"assignee": outsider.pk}, {"team": secret_team.pk}):
        answer = client.post(url, data, headers={"HX-Request": "true"})
        assert answer.status_code == 400
        shown = answer.content.decode()
        assert "secret-bob" not in shown
        assert "Secret Project" not in shown
