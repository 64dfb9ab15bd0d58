"""The sandbox's Graph API driven through facebook-sdk over real HTTP: objects, edges, paging, errors."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import facebook
import pytest
import requests
from django.utils import timezone

from sandbox import services
from sandbox.models import FacebookComment, FacebookMessage
from tests.sandbox.clients import graph

GRAPH_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")
V = "v21.0"


@pytest.fixture
def page(transactional_db: None) -> services.PageCredentials:
    return services.create_facebook_page(name="Acme Coffee", username="acmecoffee")


def send_api(api: facebook.GraphAPI, page_id: str, recipient: dict, text: str) -> dict:
    """A Page's message through the Send API (recipient and message go as JSON strings)."""
    return api.request(
        f"{V}/{page_id}/messages",
        post_args={
            "recipient": json.dumps(recipient),
            "message": json.dumps({"text": text}),
            "messaging_type": "RESPONSE",
        },
    )


def test_feed_with_comment_expansion_has_documented_shape(sandbox_url, page):
    post = services.publish_page_post(page_id=page.page_id, message="New autumn blend is here")
    comment = services.post_comment(on=post.graph_id, message="Wrong order delivered 😞", author="Laura Pérez")
    hidden = services.post_comment(on=post.graph_id, message="who am I", author="Quiet One", hide_author=True)
    reply = services.post_comment(on=comment.graph_id, message="same here", author="Tom")
    api = graph(sandbox_url, page.page_token)

    body = api.request(
        f"{V}/{page.page_id}/feed",
        {
            "fields": "id,message,created_time,from,"
            "comments.limit(10){id,message,created_time,from,comments{id,message}}"
        },
    )

    [item] = body["data"]
    assert item["id"] == f"{page.page_id}_{post.id}"
    assert item["from"] == {"name": "Acme Coffee", "id": page.page_id}
    assert GRAPH_TIME.match(item["created_time"])
    comments = item["comments"]["data"]
    assert [c["id"] for c in comments] == [comment.graph_id, hidden.graph_id]
    assert comments[0]["from"] == {"name": "Laura Pérez", "id": str(comment.author_id)}
    assert "from" not in comments[1]
    assert comments[0]["comments"]["data"] == [{"id": reply.graph_id, "message": "same here"}]
    assert set(item["comments"]["paging"]["cursors"]) == {"before", "after"}


def test_comments_stream_filter_lists_replies_with_parent(sandbox_url, page):
    post = services.publish_page_post(page_id=page.page_id, message="hello")
    top = services.post_comment(on=post.graph_id, message="top", author="Ana")
    reply = services.post_comment(on=top.graph_id, message="reply", author="Ben")
    api = graph(sandbox_url, page.page_token)

    toplevel = api.request(f"{V}/{post.graph_id}/comments")
    stream = api.request(f"{V}/{post.graph_id}/comments", {"filter": "stream", "fields": "id,message,parent{id}"})

    assert [c["id"] for c in toplevel["data"]] == [top.graph_id]
    assert stream["data"] == [
        {"id": top.graph_id, "message": "top"},
        {"id": reply.graph_id, "message": "reply", "parent": {"id": top.graph_id}},
    ]


def test_cursor_paging_walks_every_post_once_with_get_all_connections(sandbox_url, page):
    posts = [services.publish_page_post(page_id=page.page_id, message=f"post {n}", author=f"Fan {n}") for n in range(7)]
    api = graph(sandbox_url, page.page_token)

    first = api.request(f"{V}/{page.page_id}/visitor_posts", {"limit": 3})
    every = list(api.get_all_connections(page.page_id, "visitor_posts", limit=3))

    assert first["paging"]["next"].startswith(f"{sandbox_url}/graph/{V}/{page.page_id}/visitor_posts?")
    assert "access_token=" in first["paging"]["next"]
    assert [p["id"] for p in every] == [p.graph_id for p in reversed(posts)]


def test_conversations_with_messages_field_and_messages_edge(sandbox_url, page):
    incoming = services.send_page_message(page_id=page.page_id, user="Rūta", text="Kur mano užsakymas?")
    api = graph(sandbox_url, page.page_token)

    body = api.request(
        f"{V}/{page.page_id}/conversations", {"fields": "id,updated_time,messages{id,message,from,created_time}"}
    )
    conversation = body["data"][0]
    edge = api.request(f"{V}/{conversation['id']}/messages", {"fields": "message,from"})

    assert conversation["id"] == incoming.conversation.graph_id
    assert conversation["messages"]["data"][0] == {
        "id": incoming.graph_id,
        "message": "Kur mano užsakymas?",
        "from": {
            "name": "Rūta",
            "email": f"{incoming.conversation.user_id}@facebook.com",
            "id": str(incoming.conversation.user_id),
        },
        "created_time": conversation["messages"]["data"][0]["created_time"],
    }
    assert edge["data"][0]["message"] == "Kur mano užsakymas?"


def test_page_replies_to_a_comment_and_to_a_reply_in_one_level(sandbox_url, page):
    post = services.publish_page_post(page_id=page.page_id, message="hello")
    top = services.post_comment(on=post.graph_id, message="top", author="Ana")
    reply = services.post_comment(on=top.graph_id, message="reply", author="Ben")
    api = graph(sandbox_url, page.page_token)

    first = api.put_comment(top.graph_id, "Thanks Ana!")
    second = api.request(f"{V}/{reply.graph_id}/comments", post_args={"message": "Thanks Ben!"})

    stored = FacebookComment.objects.get(pk=first["id"].split("_")[1])
    again = FacebookComment.objects.get(pk=second["id"].split("_")[1])
    assert (stored.parent_id, stored.author_id, stored.message) == (top.id, None, "Thanks Ana!")
    assert again.parent_id == top.id


def test_send_api_answers_inside_the_window_and_refuses_outside(sandbox_url, page):
    recent = services.send_page_message(page_id=page.page_id, user="Ana", text="hola")
    services.send_page_message(
        page_id=page.page_id, user="Old", text="hi", created_time=timezone.now() - timedelta(days=2)
    )
    api = graph(sandbox_url, page.page_token)
    old_id = str(FacebookMessage.objects.get(text="hi").conversation.user_id)

    def send(user_id: str) -> dict:
        return send_api(api, page.page_id, {"id": user_id}, "¡Gracias!")

    sent = send(str(recent.conversation.user_id))
    with pytest.raises(facebook.GraphAPIError) as refused:
        send(old_id)

    assert sent == {"recipient_id": str(recent.conversation.user_id), "message_id": sent["message_id"]}
    assert FacebookMessage.objects.get(pk=sent["message_id"].removeprefix("m_")).from_page
    assert refused.value.code == 10
    assert refused.value.result["error"]["error_subcode"] == 2018278


def test_bad_token_and_unknown_object_answer_graph_error_bodies(sandbox_url, page):
    with pytest.raises(facebook.GraphAPIError) as bad_token:
        graph(sandbox_url, "nope").request(f"{V}/{page.page_id}/feed")
    with pytest.raises(facebook.GraphAPIError) as unknown:
        graph(sandbox_url, page.page_token).request(f"{V}/999_999")
    raw = requests.get(f"{sandbox_url}/graph/{V}/{page.page_id}/feed", params={"access_token": "nope"}, timeout=10)

    assert (bad_token.value.code, bad_token.value.type) == (190, "OAuthException")
    assert unknown.value.code == 100
    assert unknown.value.result["error"]["error_subcode"] == 33
    assert raw.status_code == 400
    assert set(raw.json()["error"]) == {"message", "type", "code", "fbtrace_id"}


def test_graph_server_errors_come_in_graphs_shapes_and_facebook_sdk_raises_on_each(sandbox_url, page):
    services.set_faults(rate_500=1.0)
    answers = [requests.get(f"{sandbox_url}/graph/{V}/{page.page_id}/feed", timeout=10) for _ in range(4)]

    shapes = sorted((a.status_code, a.headers["content-type"].split(";")[0]) for a in answers)
    json, html = "application/json", "text/html"
    assert shapes == [(200, json), (500, json), (500, html), (503, json)]
    errors = [a.json()["error"] for a in answers if a.headers["content-type"].startswith("application/json")]
    assert all({"message", "type", "code", "fbtrace_id"} <= set(error) for error in errors)
    assert sorted(error["code"] for error in errors) == [1, 2, 2]
    assert next(error for error in errors if error["code"] == 1)["error_subcode"] == 99
    api = graph(sandbox_url, page.page_token)
    for _ in range(4):  # facebook-sdk reads the body, not the status: a 200 carrying an error raises too
        with pytest.raises(facebook.GraphAPIError):
            api.request(f"{V}/{page.page_id}/feed")


def test_object_lookup_returns_requested_fields(sandbox_url, page):
    post = services.publish_page_post(page_id=page.page_id, message="look me up", author="Visitor")
    api = graph(sandbox_url, page.page_token)

    found = api.request(f"{V}/{post.graph_id}", {"fields": "id,message,from,permalink_url"})
    me = api.request(f"{V}/me")

    assert found["from"]["name"] == "Visitor"
    assert found["permalink_url"].endswith(f"/{page.page_id}/posts/{post.id}")
    assert me == {"name": "Acme Coffee", "id": page.page_id}


def test_conversations_narrow_to_one_person_with_user_id(sandbox_url, page):
    ana = services.send_page_message(page_id=page.page_id, user="Ana", text="hola")
    services.send_page_message(page_id=page.page_id, user="Ben", text="hi")
    api = graph(sandbox_url, page.page_token)

    body = api.request(f"{V}/{page.page_id}/conversations", {"user_id": str(ana.conversation.user_id), "fields": "id"})

    assert body["data"] == [{"id": ana.conversation.graph_id}]


def test_a_private_reply_to_a_comment_opens_a_messenger_conversation_with_its_author(sandbox_url, page):
    post = services.publish_page_post(page_id=page.page_id, message="New blend")
    fresh = services.post_comment(on=post.graph_id, message="crushed bag", author="Ona")
    stale = services.post_comment(
        on=post.graph_id, message="old", author="Jonas", created_time=timezone.now() - timedelta(days=8)
    )
    api = graph(sandbox_url, page.page_token)

    def private_reply(comment_id: str) -> dict:
        return send_api(api, page.page_id, {"comment_id": comment_id}, "Could you send us your order number?")

    sent = private_reply(fresh.graph_id)
    with pytest.raises(facebook.GraphAPIError) as refused:
        private_reply(stale.graph_id)

    message = FacebookMessage.objects.select_related("conversation").get(pk=sent["message_id"].removeprefix("m_"))
    assert message.from_page and message.conversation.user_id == fresh.author_id
    assert sent["recipient_id"] == str(fresh.author_id)
    assert refused.value.code == 10
