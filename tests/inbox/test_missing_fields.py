"""Every conversation renders whatever the platform left out: no author, no handle, no name, no text, no link."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbox.models import Author, Conversation, DeliveryStatus, Direction, Status, Visibility
from monitoring.models import Platform
from tests.inbox.factories import AccountFactory, AuthorFactory, ConversationFactory, MessageFactory

maybe_empty = st.sampled_from(["", "x"])


@st.composite
def authors(draw: st.DrawFn) -> dict | None:
    """None (the platform did not say who), or an author with any of its optional fields empty."""
    if draw(st.booleans()):
        return None
    return {
        "handle": draw(maybe_empty),
        "name": draw(maybe_empty),
        "profile_url": draw(st.sampled_from(["", "https://x.com/x"])),
        "followers_count": draw(st.sampled_from([None, 0])),
    }


@st.composite
def messages(draw: st.DrawFn) -> dict:
    outbound = draw(st.booleans())
    # No platform id (a reply not sent yet), or the factory's own unique one.
    platform_id = {} if draw(st.booleans()) else {"external_id": None}
    return platform_id | {
        "direction": Direction.OUTBOUND if outbound else Direction.INBOUND,
        "author": draw(authors()),
        "text": draw(maybe_empty),
        "url": draw(st.sampled_from(["", "https://x.com/i/web/status/1"])),
        "delivery_status": draw(st.sampled_from([*DeliveryStatus.values, ""])) if outbound else "",
    }


conversations = st.fixed_dictionaries(
    {
        "platform": st.sampled_from(Platform.values),
        "visibility": st.sampled_from(Visibility.values),
        "status": st.sampled_from(Status.values),
        "author": authors(),
        "subject": maybe_empty,
        "due": st.booleans(),
        "messages": st.lists(messages(), max_size=3),
        # Others in the same place (the post it hangs under, other customers' messages), shown as context.
        "place_post": st.booleans(),
        "neighbours": st.lists(messages(), max_size=2),
    }
)


def make_author(fields: dict | None) -> Author | None:
    return None if fields is None else AuthorFactory.create(**fields)


def make_conversation(brand, spec: dict) -> Conversation:
    now = timezone.now()
    conversation = ConversationFactory.create(
        brand=brand,
        account=AccountFactory(brand=brand, platform=spec["platform"]),
        visibility=spec["visibility"],
        status=spec["status"],
        author=make_author(spec["author"]),
        subject=spec["subject"],
        customer_key="customer",
        awaiting_reply_since=now if spec["due"] else None,
        response_due_at=now + dt.timedelta(hours=1) if spec["due"] else None,
    )
    add_messages(conversation, spec["messages"])
    if spec["place_post"] or spec["neighbours"]:
        others = ConversationFactory.create(
            brand=brand, account=conversation.account, thread_key=conversation.thread_key, customer_key="someone"
        )
        add_messages(others, spec["neighbours"])
        if spec["place_post"]:
            MessageFactory(conversation=others, external_id=conversation.thread_key, author=None, text="", url="")
    return conversation


def add_messages(conversation: Conversation, specs: list[dict]) -> None:
    for fields in specs:
        MessageFactory(conversation=conversation, **{**fields, "author": make_author(fields["author"])})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=conversations)
def test_queue_row_conversation_page_and_api_detail_render_with_fields_missing(client, agent, brand, spec):
    Conversation.objects.all().delete()
    conversation = make_conversation(brand, spec)
    client.force_login(agent)

    row = client.get(reverse("inbox:rows"), {"status": "all"})
    page = client.get(reverse("inbox:conversation", args=[conversation.pk]))
    detail = client.get(reverse("inbox_api:conversation", args=[conversation.pk]))

    assert (row.status_code, page.status_code, detail.status_code) == (200, 200, 200)
    assert f"/inbox/c/{conversation.pk}/" in row.content.decode()
    assert detail.json()["id"] == conversation.pk
