"""Inbox pages: queue, rows, counts, conversation, workflow controls; brand and role checks; hostile text."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from inbox.models import ConversationEvent, Status
from inbox.services import workflow
from tests.inbox.factories import AuthorFactory, ConversationFactory, MessageFactory, conversation_with_message


def test_queue_lists_conversations_with_author_channel_snippet_and_sla(client, agent, brand):
    conversation_with_message(brand, text="Where is my parcel?", author=AuthorFactory(name="Ana Lima"))
    client.force_login(agent)
    response = client.get(reverse("inbox:queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ana Lima" in body and "Where is my parcel?" in body and ">X<" in body
    assert "due in" in body


def test_queue_empty_states(client, agent, brand):
    client.force_login(agent)
    assert "Nothing waiting" in client.get(reverse("inbox:queue")).content.decode()
    filtered = client.get(reverse("inbox:queue"), {"q": "nothing-like-this"}).content.decode()
    assert "Nothing matches these filters" in filtered


def test_rows_endpoint_pages_with_load_more_in_constant_queries(client, agent, brand, django_assert_num_queries):
    for _ in range(3):
        conversation_with_message(brand)
    client.force_login(agent)
    url = reverse("inbox:rows")
    client.get(url)  # warm the session and role caches
    # session, user, role groups (view guard), brand ids, rows
    with django_assert_num_queries(5):
        small = client.get(url)
    for _ in range(60):
        conversation_with_message(brand)
    with django_assert_num_queries(5):
        big = client.get(url)
    assert small.content.decode().count('class="row') == 3
    assert big.content.decode().count('class="row') == 50
    assert "Load more" in big.content.decode()
    cursor = big.content.decode().split("cursor=")[1].split('"')[0]
    rest = client.get(url + "?cursor=" + cursor).content.decode()
    assert rest.count('class="row') == 13


def test_rows_endpoint_refuses_a_broken_cursor(client, agent):
    client.force_login(agent)
    assert client.get(reverse("inbox:rows"), {"cursor": "abc"}).status_code == 400


def test_live_rows_return_the_asked_conversations_that_still_match(client, agent, brand, stranger):
    mine = ConversationFactory(brand=brand)
    foreign = ConversationFactory(brand=stranger.brands.get())
    client.force_login(agent)
    body = client.get(reverse("inbox:rows"), {"ids": f"{mine.pk},{foreign.pk}"}).content.decode()
    assert f'id="conv-{mine.pk}"' in body
    assert f'id="conv-{foreign.pk}"' not in body


def test_counts_partial(client, agent, brand):
    ConversationFactory(brand=brand, status=Status.NEW)
    client.force_login(agent)
    body = client.get(reverse("inbox:counts")).content.decode()
    assert 'data-count="status_open_work">1<' in body


def test_conversation_page_shows_thread_author_card_and_collision_data(client, agent, brand):
    conversation = conversation_with_message(brand, text="first", author=AuthorFactory(name="Ana", followers_count=77))
    MessageFactory(conversation=conversation, text="second", direction="out", author=None)
    earlier = ConversationFactory(brand=brand, author=conversation.author)
    client.force_login(agent)
    response = client.get(reverse("inbox:conversation", args=[conversation.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("first") < body.index("second")
    assert "77 followers" in body
    assert reverse("inbox:conversation", args=[earlier.pk]) in body
    outbound = conversation.messages.get(direction="out")
    assert f'data-last-outbound-id="{outbound.pk}"' in body
    assert 'id="composer-slot"' in body


def test_an_agent_of_another_brand_gets_404_everywhere(client, brand, stranger):
    conversation = conversation_with_message(brand)
    client.force_login(stranger)
    for name in ("conversation", "thread", "panel"):
        assert client.get(reverse(f"inbox:{name}", args=[conversation.pk])).status_code == 404, name
    posts = {
        "status": {"status": "resolved"},
        "assign": {"assignee": "me"},
        "tag": {"name": "x"},
        "note": {"text": "x"},
    }
    for name, data in posts.items():
        assert client.post(reverse(f"inbox:{name}", args=[conversation.pk]), data).status_code == 404, name
    assert client.get(reverse("inbox:queue")).content.decode().count('class="row') == 0
    conversation.refresh_from_db()
    assert conversation.status == Status.NEW and conversation.assignee is None


def test_a_member_without_a_role_gets_403(client, agent, brand):
    conversation = conversation_with_message(brand)
    agent.groups.remove(*Group.objects.all())
    client.force_login(agent)
    assert client.get(reverse("inbox:queue")).status_code == 403
    assert client.get(reverse("inbox:conversation", args=[conversation.pk])).status_code == 403
    assert client.post(reverse("inbox:status", args=[conversation.pk]), {"status": "resolved"}).status_code == 403


def test_controls_change_status_assign_tag_and_note_with_history(client, agent, brand):
    conversation = conversation_with_message(brand)
    client.force_login(agent)
    htmx = {"HTTP_HX_REQUEST": "true"}
    url = lambda name: reverse(f"inbox:{name}", args=[conversation.pk])  # noqa: E731
    assert client.post(url("assign"), {"assignee": "me"}, **htmx).status_code == 200
    assert client.post(url("tag"), {"name": "refund"}, **htmx).status_code == 200
    assert client.post(url("note"), {"text": "called them"}, **htmx).status_code == 200
    response = client.post(url("status"), {"status": "snoozed", "snooze_minutes": "60"}, **htmx)
    assert response.status_code == 200
    body = response.content.decode()
    assert "called them" in body and "refund" in body and "Snoozed" in body
    conversation.refresh_from_db()
    assert conversation.assignee == agent and conversation.status == Status.SNOOZED
    kinds = list(ConversationEvent.objects.filter(conversation=conversation).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["assigned", "status", "tagged", "note", "status"])


def test_a_refused_change_says_why(client, agent, brand):
    conversation = conversation_with_message(brand)
    client.force_login(agent)
    response = client.post(
        reverse("inbox:status", args=[conversation.pk]), {"status": "snoozed"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Snooze until a time in the future" in response.content.decode()


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_text_and_names_are_escaped_and_links_kept_to_http(client, agent, brand, payload):
    author = AuthorFactory(name=payload, handle=payload[:40], profile_url="javascript:alert(1)")
    conversation = conversation_with_message(brand, text=payload, author=author)
    client.force_login(agent)
    for response in (
        client.get(reverse("inbox:queue")),
        client.get(reverse("inbox:conversation", args=[conversation.pk])),
    ):
        body = response.content.decode()
        if "<" in payload:
            assert payload not in body
        assert "<script>alert" not in body and "onerror=" not in body.replace("onerror=&quot;", "")
        assert 'href="javascript:' not in body


def test_bulk_job_runs_each_item_and_reports_results(client, agent, brand, stranger):
    from inbox import bulk
    from inbox.models import BulkJob

    mine = [conversation_with_message(brand) for _ in range(3)]
    foreign = ConversationFactory(brand=stranger.brands.get())
    workflow.do_change_status(actor=agent, conversation_id=mine[2].pk, status=Status.SPAM)
    client.force_login(agent)
    ids = ",".join(str(c.pk) for c in [*mine, foreign])
    response = client.post(reverse("inbox:bulk"), {"action": "resolve", "conversation_ids": ids, "params": "{}"})
    assert response.status_code == 200
    job = BulkJob.objects.get()
    bulk.run_bulk_job(job_id=job.pk)  # what the worker does
    bulk.run_bulk_job(job_id=job.pk)  # and again, as after a crash: nothing changes
    job.refresh_from_db()
    assert job.status == "done"
    assert job.results[str(mine[0].pk)] == {"ok": True, "detail": "Resolved"}
    assert job.results[str(mine[2].pk)]["ok"] is False
    assert job.results[str(foreign.pk)] == {"ok": False, "detail": "Not found in your brands."}
    foreign.refresh_from_db()
    assert foreign.status == Status.NEW
    page = client.get(reverse("inbox:bulk_job", args=[job.pk])).content.decode()
    assert "4 of 4 done" in page
    client.force_login(stranger)
    assert client.get(reverse("inbox:bulk_job", args=[job.pk])).status_code == 404
