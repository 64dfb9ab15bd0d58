"""Reading conversations through the API: the queue's filters and pages, query counts, detail, hostile text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.forms import QueueFilterForm
from inbox.models import Direction, Message, Sentiment, Status, Visibility
from inbox.selectors import queue_page
from inbox.services import workflow
from monitoring.models import MessageQueryMatch, MonitoredQuery, Platform
from tests.api.helpers import API, TokenClient, conversation_url
from tests.conftest import PASSWORD
from tests.inbox.factories import AccountFactory, AuthorFactory, ConversationFactory, MessageFactory
from tests.inbox.sla.helpers import conversation as waiting_since

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> <a href="javascript:alert(2)">hi</a> & \u2028'


@pytest.fixture
def queue(brand, agent):
    """A varied queue: channels, statuses, owners, moods, languages, priorities, tags, SLA states, text."""
    now = timezone.now()
    colleague = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=colleague)
    facebook = AccountFactory(brand=brand, platform=Platform.FACEBOOK)
    other = add_brand(slug="globex", name="Globex")
    add_member(brand=other, user=agent)
    rows = [
        {"account": facebook, "sentiment": Sentiment.NEGATIVE, "language": "es", "priority": 70},
        {"status": Status.OPEN, "assignee": agent, "language": "en", "priority": 20},
        {
            "status": Status.OPEN,
            "assignee": colleague,
            "sentiment": Sentiment.POSITIVE,
            "language": "en",
            "priority": 5,
        },
        {"status": Status.RESOLVED, "response_due_at": None, "language": "lt"},
        {"status": Status.PENDING, "account": facebook, "response_due_at": None, "language": "en", "priority": 90},
        {"response_due_at": now - dt.timedelta(hours=1), "sentiment": Sentiment.NEGATIVE, "priority": 55},
        {"response_due_at": now + dt.timedelta(minutes=10), "language": "ru", "priority": 40},
        {"response_due_at": now + dt.timedelta(hours=5), "language": "en"},
        {"brand": other, "language": "en", "priority": 60},
    ]
    conversations = []
    for n, fields in enumerate(rows):
        fields.setdefault("brand", brand)
        fields.setdefault("last_message_at", now - dt.timedelta(minutes=n))
        conversation = ConversationFactory(**fields)
        text = "Where is my café order?" if n % 3 == 0 else "Thanks for the coffee"
        MessageFactory(conversation=conversation, text=text)
        conversations.append(conversation)
    # At risk by the SLA module's clock: 100 of the default 120 minutes gone (past the 75% mark).
    conversations.append(waiting_since(AccountFactory(brand=brand), received=now - dt.timedelta(minutes=100)))
    tag = workflow.do_add_tag(actor=agent, conversation_id=conversations[1].pk, name="refund")
    workflow.do_add_tag(actor=agent, conversation_id=conversations[6].pk, name="refund")
    query = MonitoredQuery.objects.create(brand=brand, name="Cafe", query="cafe")
    message = conversations[0].messages.get()
    MessageQueryMatch.objects.create(message=message, query=query, conversation=conversations[0], matched_at=now)
    return {"conversations": conversations, "tag": tag, "query": query, "other": other, "colleague": colleague}


def api_ids(client, params: dict) -> list[int]:
    response = client.get(API, params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def selector_ids(user, params: dict) -> list[int]:
    form = QueueFilterForm(params)
    assert form.is_valid(), form.errors
    return [row.pk for row in queue_page(user, form.to_filters(), now=timezone.now()).rows]


FILTER_CASES = [
    {},
    {"status": "all"},
    {"status": "resolved"},
    {"status": "pending", "channel": "facebook"},
    {"channel": "facebook", "status": "all", "sort": "priority"},
    {"assignee": "me"},
    {"assignee": "unassigned", "sort": "newest"},
    {"sentiment": "negative"},
    {"language": "en", "status": "all"},
    {"min_priority": "50", "status": "all", "sort": "priority"},
    {"sla": "breached"},
    {"sla": "at_risk"},
    {"sla": "on_track"},
    {"sla": "none", "status": "all"},
    {"q": "cafe", "status": "all"},
    {"q": "CAFÉ order", "sentiment": "negative"},
]


@pytest.mark.parametrize("params", FILTER_CASES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_filters_give_the_same_ids_in_the_same_order_as_the_queue_selector(agent, queue, params):
    got = api_ids(TokenClient(agent), params)
    assert got == selector_ids(agent, params)
    if params != {"status": "all"}:  # every other case narrows this queue: a filter the API ignored would show
        assert 0 < len(got) < len(selector_ids(agent, {"status": "all"}))


def test_id_filters_brand_assignee_tag_and_matched_query(agent, brand, queue):
    client = TokenClient(agent)
    conversations = queue["conversations"]
    cases = {
        "brand": ({"brand": queue["other"].pk}, [conversations[8].pk]),
        "person": ({"assignee": str(queue["colleague"].pk)}, [conversations[2].pk]),
        "tag": ({"tag": queue["tag"].pk, "status": "all"}, None),
        "query": ({"query": queue["query"].pk}, [conversations[0].pk]),
    }
    for name, (params, expected) in cases.items():
        got = api_ids(client, params)
        assert got == selector_ids(agent, params), name
        if expected is not None:
            assert got == expected, name
    assert set(api_ids(client, cases["tag"][0])) == {conversations[1].pk, conversations[6].pk}


def test_bad_filters_are_400_with_the_field_named(agent, queue):
    response = TokenClient(agent).get(API, {"status": "closed", "sla": "late", "limit": "0", "assignee": "x'--"})
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"status", "sla", "limit", "assignee"}
    assert "closed is not one of the available choices" in errors["status"][0]
    assert errors["limit"] == ["Ensure this value is greater than or equal to 1."]
    broken = TokenClient(agent).get(API, {"cursor": "12.abc", "sort": "newest"})
    assert broken.status_code == 400
    assert broken.json() == {"cursor": ["Not a cursor this list gave for the chosen sort."]}


@pytest.mark.parametrize("sort", ["urgent", "newest", "priority"])
def test_next_links_walk_every_conversation_once_in_queue_order(agent, queue, sort):
    client = TokenClient(agent)
    expected = selector_ids(agent, {"status": "all", "sort": sort})
    seen, url, params = [], API, {"status": "all", "sort": sort, "limit": 2}
    while url:
        body = client.get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None
        assert len(body["results"]) <= 2
    assert seen == expected
    assert len(expected) == 10


def test_list_rows_carry_what_the_queue_shows(agent, brand, queue):
    conversation = queue["conversations"][1]
    rows = TokenClient(agent).get(API, {"assignee": "me"}).json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == conversation.pk
    assert row["url"] == f"http://testserver{conversation_url(conversation.pk)}"
    assert row["brand"] == {"id": brand.pk, "name": "Acme Coffee"}
    assert row["assignee"] == {"id": agent.pk, "username": "agent"}
    assert row["tags"] == ["refund"]
    assert row["status"] == "open"
    assert row["channel"] == "x"
    assert row["snippet"] == "Thanks for the coffee"
    assert row["sla_state"] == "on_track"
    assert row["author"]["handle"] == conversation.author.handle


@pytest.mark.parametrize("auth", ["token", "session"])
def test_a_list_page_costs_the_same_queries_at_any_page_size(client, agent, brand, django_assert_num_queries, auth):
    for n in range(60):
        conversation = ConversationFactory(brand=brand, assignee=agent if n % 2 else None)
        MessageFactory(conversation=conversation)
        workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name=f"tag {n % 4}")
    if auth == "token":
        caller = TokenClient(agent)
        # token with its user, role groups, brand ids, the page's rows (tags and snippet included)
        expected = 4
    else:
        client.force_login(agent)
        caller = client
        expected = 5  # session, user, role groups, brand ids, rows
    for limit in (5, 50):
        with django_assert_num_queries(expected):
            body = caller.get(API, {"limit": limit}).json()
        assert len(body["results"]) == limit
        assert body["next_cursor"]


def test_detail_holds_the_thread_in_platform_order_with_a_fixed_number_of_queries(
    agent, brand, django_assert_num_queries
):
    start = timezone.now() - dt.timedelta(hours=1)
    conversation = ConversationFactory(brand=brand, first_inbound_at=start)
    first = MessageFactory(conversation=conversation, text="first", platform_time=start)
    client = TokenClient(agent)
    url = conversation_url(conversation.pk)
    client.get(url)
    # token, role groups, brand ids, conversation, newest answer, tags, thread
    with django_assert_num_queries(7):
        small = client.get(url).json()
    for n in range(20):
        MessageFactory(conversation=conversation, text=f"more {n}", platform_time=start + dt.timedelta(minutes=n + 1))
    workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="b-tag")
    workflow.do_add_tag(actor=agent, conversation_id=conversation.pk, name="a-tag")
    with django_assert_num_queries(7):
        big = client.get(url).json()
    assert [m["id"] for m in small["messages"]] == [first.pk]
    assert [m["text"] for m in big["messages"]] == ["first", *[f"more {n}" for n in range(20)]]
    assert [t["name"] for t in big["tags"]] == ["a-tag", "b-tag"]
    assert big["author"]["profile_url"] == conversation.author.profile_url
    assert big["latest_answer_id"] == 0
    assert big["sla_state"] in {"on_track", "at_risk", "breached"}


def test_hostile_text_comes_back_as_json_data_never_as_markup(agent, brand):
    author = AuthorFactory(name=HOSTILE, handle='"><svg onload=alert(3)>')
    conversation = ConversationFactory(brand=brand, author=author, subject=HOSTILE)
    MessageFactory(conversation=conversation, text=HOSTILE, url="https://example.org/?q=<b>")
    client = TokenClient(agent)
    for url in (API, conversation_url(conversation.pk)):
        response = client.get(url)
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "&lt;" not in response.content.decode()  # data, not HTML-escaped text
    detail = client.get(conversation_url(conversation.pk)).json()
    assert detail["messages"][0]["text"] == HOSTILE
    assert detail["author"]["name"] == HOSTILE
    assert detail["author"]["handle"] == '"><svg onload=alert(3)>'
    assert detail["subject"] == HOSTILE
    row = client.get(API).json()["results"][0]
    assert (row["snippet"], row["author"]["name"]) == (HOSTILE, HOSTILE)


def test_the_browsable_api_escapes_hostile_text(client, agent, brand):
    conversation = ConversationFactory(brand=brand, author=AuthorFactory(name=HOSTILE))
    MessageFactory(conversation=conversation, text=HOSTILE)
    client.force_login(agent)
    page = client.get(conversation_url(conversation.pk), headers={"Accept": "text/html"})
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html


def test_replies_show_who_sent_them(agent, brand):
    conversation = ConversationFactory(brand=brand)
    MessageFactory(conversation=conversation)
    reply = MessageFactory(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        author=None,
        sent_by=agent,
        delivery_status="sent",
        visibility=Visibility.PUBLIC,
    )
    detail = TokenClient(agent).get(conversation_url(conversation.pk)).json()
    sent = detail["messages"][-1]
    assert sent["id"] == reply.pk
    assert (sent["direction"], sent["delivery_status"]) == ("out", "sent")
    assert sent["sent_by"] == {"id": agent.pk, "username": "agent"}
    assert detail["latest_answer_id"] == reply.pk
    assert Message.objects.count() == 2
