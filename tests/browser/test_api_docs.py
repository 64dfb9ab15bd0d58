"""In Chromium: the API docs page draws every operation from our own files, asking no other host for anything."""

from __future__ import annotations

import pytest

from tests.browser.pages import logged_in

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_every_operation_offline(asgi_server, chromium, agent):
    context, page = logged_in(chromium, asgi_server, "agent")
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(asgi_server) else elsewhere.append(request.url))
    try:
        page.goto(f"{asgi_server}/api/docs/")
        page.wait_for_selector(".opblock", timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
    finally:
        context.close()
    assert elsewhere == []
    shown = {path.replace("\u200b", "") for path in paths}  # Swagger UI breaks long paths with zero-width spaces
    assert {"/api/v1/conversations/", "/api/v1/conversations/{conversation_id}/reply/", "/api/v1/sla/summary"} <= shown
