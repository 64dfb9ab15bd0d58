"""In Chromium: every kind of page works under the Content-Security-Policy, which allows no inline script."""

from __future__ import annotations

import pytest

from tests.browser.pages import logged_in
from tests.inbox.factories import conversation_with_message

pytestmark = pytest.mark.browser


def test_the_pages_raise_no_content_security_policy_violation(asgi_server, chromium, admin_user, brand):
    conversation = conversation_with_message(brand)
    context, page = logged_in(chromium, asgi_server, "admin", bypass_csp=False)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Security Policy" in message.text else None)
    try:
        for path, ready in [
            ("/inbox/", "main"),
            (f"/inbox/c/{conversation.pk}/", "main"),
            ("/inbox/dashboard/", "main"),
            ("/setup/", "main"),
            ("/accounts/tokens/", "main"),
            ("/api/docs/", ".opblock"),
            ("/admin/", "#content"),
            ("/admin/monitoring/channelaccount/add/", "#content"),
        ]:
            response = page.goto(asgi_server + path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_selector(ready, timeout=30_000, state="attached")
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert violations == []
