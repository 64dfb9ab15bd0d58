"""A local SMTP server (aiosmtpd) and a local webhook receiver (http.server), each in a thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import free_port


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings) -> Iterator[_Inbox]:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


@dataclass
class WebhookReceiver:
    url: str
    fail_next: int = 0  # answer HTTP 503 to this many requests first
    received: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0


@pytest.fixture
def webhook_receiver(settings) -> Iterator[WebhookReceiver]:
    port = free_port()
    # An internal address: let through by name, as a developer's own receiver would be.
    settings.PROMPTLY_URL_ALLOWLIST = [f"127.0.0.1:{port}"]
    receiver = WebhookReceiver(url=f"http://127.0.0.1:{port}/hook")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            receiver.attempts += 1
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                self.send_response(503)
                self.end_headers()
                self.wfile.write(b"try later: internal-host-db-7.corp")
                return
            receiver.received.append({"body": body, "json": json.loads(body), "headers": dict(self.headers)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
