"""Steps every browser test takes: signing in as someone, waiting for the live socket."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.conftest import PASSWORD

WAIT_MS = 15_000


def logged_in(chromium: Any, base_url: str, username: str, **context_options: Any) -> tuple[Any, Any]:
    """A new browser context signed in as `username`, and its page on the inbox.

    Playwright evaluates string predicates (`wait_for_function`) with eval, which the pages' policy refuses:
    contexts bypass it unless a test asks otherwise (the policy's own test does, to see what a person gets)."""
    context = chromium.new_context(**{"bypass_csp": True, **context_options})
    page = context.new_page()
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/inbox/")
    return context, page


def wait_live(page: Any) -> None:
    # A locator, not wait_for_function: the Content-Security-Policy forbids the eval that one runs.
    expect(page.locator("#live-state")).to_have_text("live", timeout=WAIT_MS)
