"""The split view's server side: the queue page opens ?c=<id> beside the list, the pane partial, scoping."""

from __future__ import annotations

from django.urls import reverse

from tests.inbox.factories import AuthorFactory, MessageFactory, conversation_with_message

# The queue page's reads (rows, filters' choices, saved replies, listening health) and the open conversation's.
QUEUE_WITH_PANE = 34


def test_the_queue_opens_the_linked_conversation_beside_the_rows(client, agent, brand):
    opened = conversation_with_message(brand, text="Where is my parcel?", author=AuthorFactory(name="Ana Lima"))
    conversation_with_message(brand, text="Cold latte", author=AuthorFactory(name="Bo"))
    client.force_login(agent)
    body = client.get(reverse("inbox:queue"), {"status": "open_work", "c": opened.pk}).content.decode()
    assert body.count('class="row') == 2
    pane = body.split('id="open-pane"')[1]
    assert f'data-conversation-id="{opened.pk}"' in pane
    assert "Where is my parcel?" in pane and 'id="composer-slot"' in pane
    # Closing goes back to the same filtered queue; the filters the page keeps do not carry the open one.
    assert 'href="/inbox/?status=open_work" class="back" data-close-pane' in pane
    assert 'data-filter-query="status=open_work"' in body
    assert body.count('id="live-state"') == 1


def test_the_queue_without_c_shows_the_empty_pane(client, agent, brand):
    conversation_with_message(brand, text="Where is my parcel?")
    client.force_login(agent)
    body = client.get(reverse("inbox:queue")).content.decode()
    assert 'id="conversation"' not in body
    assert 'class="workspace"' in body


def test_another_brands_conversation_is_not_opened_beside_the_queue(client, brand, stranger):
    secret = conversation_with_message(brand, text="my card number is 4242")
    client.force_login(stranger)
    body = client.get(reverse("inbox:queue"), {"c": secret.pk}).content.decode()
    assert "4242" not in body
    assert 'id="pane-missing"' in body
    assert client.get(reverse("inbox:pane", args=[secret.pk])).status_code == 404
    assert "4242" not in client.get(reverse("inbox:queue"), {"c": "x"}).content.decode()


def test_the_pane_is_the_conversation_without_the_page_around_it(client, agent, brand):
    conversation = conversation_with_message(brand, text="first")
    MessageFactory(conversation=conversation, text="<script>alert(1)</script>", direction="in")
    client.force_login(agent)
    body = client.get(reverse("inbox:pane", args=[conversation.pk])).content.decode()
    assert "<html" not in body and "<script>alert" not in body
    assert body.lstrip().startswith("<section") or '<section class="conversation"' in body
    assert "data-close-pane" in body and 'id="live-state"' not in body
    assert reverse("inbox:conversation", args=[conversation.pk]) in body


def test_the_pane_reads_in_constant_queries(client, agent, brand, django_assert_num_queries):
    conversation = conversation_with_message(brand, text="first")
    client.force_login(agent)
    url = reverse("inbox:pane", args=[conversation.pk])
    client.get(url)  # warm the session and role caches
    # the conversation page's reads: thread, composer, author card (the person across channels and their
    # links), details, tags, notes, history
    with django_assert_num_queries(24):
        client.get(url)
    for number in range(20):
        MessageFactory(conversation=conversation, text=f"more {number}", direction="in")
        conversation_with_message(brand, author=conversation.author)
    with django_assert_num_queries(24):
        client.get(url)


def test_the_queue_with_a_conversation_open_reads_in_constant_queries(client, agent, brand, django_assert_num_queries):
    opened = conversation_with_message(brand, text="first")
    client.force_login(agent)
    url = reverse("inbox:queue") + f"?c={opened.pk}"
    client.get(url)  # warm the session and role caches
    with django_assert_num_queries(QUEUE_WITH_PANE) as few:
        client.get(url)
    for _ in range(30):
        conversation_with_message(brand)
    with django_assert_num_queries(QUEUE_WITH_PANE) as many:
        body = client.get(url).content.decode()
    assert body.count('class="row') == 31
    assert len(few.captured_queries) == len(many.captured_queries)
