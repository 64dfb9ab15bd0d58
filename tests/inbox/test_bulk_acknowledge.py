"""Bulk acknowledgement: many conversations answered with a short saved reply, each in its own channel, once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from brands.services import add_brand
from inbox import bulk
from inbox.models import BulkJob, DeliveryStatus, Direction, Message, Visibility
from monitoring.models import Platform
from responses.services import add_saved_reply
from tests.inbox.threads import account, conversation


@pytest.fixture
def thanks(brand):
    return add_saved_reply(brand=brand, title="Thanks <b>short</b>", text="Thanks for the feedback, {author_name}!")


def start(client, agent, conversations, params) -> BulkJob:
    client.force_login(agent)
    ids = ",".join(str(c.pk) for c in conversations)
    response = client.post(reverse("inbox:bulk"), {"action": "acknowledge", "conversation_ids": ids, "params": params})
    assert response.status_code == 200, response.content.decode()
    return BulkJob.objects.get(pk=response.context["job"].pk)


def replies_by_conversation() -> dict[int, list[Message]]:
    found: dict[int, list[Message]] = {}
    for message in Message.objects.filter(direction=Direction.OUTBOUND).order_by("id"):
        found.setdefault(message.conversation_id, []).append(message)
    return found


def test_the_queue_offers_acknowledgement_with_the_brands_saved_replies_escaped(client, agent, thanks):
    client.force_login(agent)
    body = client.get(reverse("inbox:queue")).content.decode()
    assert '<option value="acknowledge">Acknowledge with a saved reply</option>' in body
    assert f'<option value="{thanks.pk}">Thanks &lt;b&gt;short&lt;/b&gt;</option>' in body


def test_each_conversation_is_acknowledged_once_in_its_own_channel_with_results(client, agent, brand, thanks):
    tweet = conversation(account(brand, Platform.X))
    dm = conversation(account(brand, Platform.FACEBOOK), visibility=Visibility.PRIVATE)
    answered = conversation(account(brand, Platform.X))
    client.force_login(agent)
    client.post(
        reverse("inbox:reply", args=[answered.pk]),
        {"text": "On it!", "idempotency_key": "5f0e7c1e-0000-4000-8000-000000000001", "seen_answer_id": "0"},
    )
    foreign = conversation(account(add_brand(slug="globex", name="Globex")))
    job = start(client, agent, [tweet, dm, answered, foreign], f'{{"saved_reply": {thanks.pk}}}')

    bulk.run_bulk_job(job_id=job.pk)  # what the worker does
    bulk.run_bulk_job(job_id=job.pk)  # and again, as after a crash: nobody is answered twice

    job.refresh_from_db()
    replies = replies_by_conversation()
    assert [m.visibility for m in replies[tweet.pk]] == [Visibility.PUBLIC]
    assert [m.visibility for m in replies[dm.pk]] == [Visibility.PRIVATE]
    assert [m.text for m in replies[dm.pk]] == ["Thanks for the feedback, Jane Doe!"]
    assert all(m.delivery_status == DeliveryStatus.QUEUED and m.sent_by == agent for m in replies[tweet.pk])
    assert [m.text for m in replies[answered.pk]] == ["On it!"]
    assert foreign.pk not in replies
    assert job.results[str(tweet.pk)] == {
        "ok": True,
        "detail": "Acknowledged with a public reply: \u201cThanks for the feedback, Jane Doe!\u201d",
    }
    assert job.results[str(dm.pk)]["detail"].startswith("Acknowledged with a private message")
    assert job.results[str(answered.pk)] == {"ok": False, "detail": "Already answered by agent."}
    assert job.results[str(foreign.pk)] == {"ok": False, "detail": "Not found in your brands."}
    progress = client.get(reverse("inbox:bulk_job", args=[job.pk])).content.decode()
    assert "4 of 4 done" in progress
    assert "Already answered by agent." in progress


def test_without_a_saved_reply_or_with_another_brands_no_job_starts(client, agent, brand):
    mine = conversation(account(brand))
    elsewhere = add_saved_reply(brand=add_brand(slug="globex", name="Globex"), title="Hi", text="Hi")
    client.force_login(agent)
    for params in ("{}", f'{{"saved_reply": {elsewhere.pk}}}'):
        answer = client.post(
            reverse("inbox:bulk"), {"action": "acknowledge", "conversation_ids": str(mine.pk), "params": params}
        )
        assert answer.status_code == 400
        assert "Choose the saved reply" in answer.content.decode()
    assert not BulkJob.objects.exists()
    assert not Message.objects.filter(direction=Direction.OUTBOUND).exists()


def test_bulk_acknowledge_answers_each_conversation_in_its_language_and_lists_those_without_a_variant(
    client, agent, brand
):
    thanks = add_saved_reply(brand=brand, title="Thanks", text="Thanks, {author_name}!", language="en")
    add_saved_reply(brand=brand, title="Thanks", text="¡Gracias, {author_name}!", language="es")
    english = conversation(account(brand), language="en")
    spanish = conversation(account(brand), language="es")
    lithuanian = conversation(account(brand), language="lt")
    job = start(client, agent, [english, spanish, lithuanian], f'{{"saved_reply": {thanks.pk}}}')

    bulk.run_bulk_job(job_id=job.pk)

    job.refresh_from_db()
    replies = replies_by_conversation()
    assert [m.text for m in replies[english.pk]] == ["Thanks, Jane Doe!"]
    assert [m.text for m in replies[spanish.pk]] == ["¡Gracias, Jane Doe!"]
    assert lithuanian.pk not in replies
    assert job.results[str(lithuanian.pk)] == {
        "ok": False,
        "detail": "Skipped: \u201cThanks\u201d has no variant in lt.",
    }
    assert sorted(brand.saved_replies.values_list("language", "usage_count")) == [("en", 1), ("es", 1)]


def test_bulk_acknowledge_skips_a_conversation_whose_variables_cannot_be_filled(client, agent, brand):
    offer_reply = add_saved_reply(brand=brand, title="Code", text="Here: {offer_code}")
    conv = conversation(account(brand))
    job = start(client, agent, [conv], f'{{"saved_reply": {offer_reply.pk}}}')
    bulk.run_bulk_job(job_id=job.pk)
    job.refresh_from_db()
    assert not replies_by_conversation()
    assert "{offer_code} cannot be filled in" in job.results[str(conv.pk)]["detail"]
