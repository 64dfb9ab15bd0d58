"""Page webhook events the sandbox pushes: standard payloads, signed with the app secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sandbox import services
from tests.conftest import free_port


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/webhooks/facebook/"
    server.shutdown()


def _verified(headers: dict[str, str], body: bytes, secret: str) -> dict:
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Hub-Signature-256"], expected)
    return json.loads(body)


def test_comment_and_message_are_pushed_signed_in_facebook_shape(transactional_db, receiver):
    page = services.create_facebook_page(name="Acme", username="acme", webhook_url=receiver)
    post = services.publish_page_post(page_id=page.page_id, message="hello")
    comment = services.post_comment(on=post.graph_id, message="Где мой заказ?", author="Ivan")
    message = services.send_page_message(page_id=page.page_id, user="Ivan", text="привет")

    [(comment_headers, comment_body), (message_headers, message_body)] = Receiver.received
    change = _verified(comment_headers, comment_body, page.app_secret)
    messaging = _verified(message_headers, message_body, page.app_secret)

    assert change["object"] == "page"
    [entry] = change["entry"]
    assert entry["id"] == page.page_id
    value = entry["changes"][0]["value"]
    assert entry["changes"][0]["field"] == "feed"
    assert (value["item"], value["verb"], value["comment_id"], value["post_id"]) == (
        "comment",
        "add",
        comment.graph_id,
        post.graph_id,
    )
    assert value["message"] == "Где мой заказ?"
    assert value["from"] == {"id": str(comment.author_id), "name": "Ivan"}
    event = messaging["entry"][0]["messaging"][0]
    assert event["sender"] == {"id": str(message.conversation.user_id)}
    assert event["recipient"] == {"id": page.page_id}
    assert event["message"] == {"mid": message.graph_id, "text": "привет"}


def test_nothing_is_pushed_when_the_page_has_no_webhook(transactional_db, receiver):
    page = services.create_facebook_page(name="Acme", username="acme")
    post = services.publish_page_post(page_id=page.page_id, message="hello")
    services.post_comment(on=post.graph_id, message="hi", author="Ivan")

    assert Receiver.received == []
