"""In Chromium, under the pages' own Content-Security-Policy: a moderation button reaches the sandbox once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inbox.models import Direction
from sandbox.models import FacebookComment, ModerationCall
from tests.browser.pages import WAIT_MS, logged_in, wait_live
from tests.inbox import sandbox_channels as channels

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_deleting_a_facebook_comment_asks_first_then_reaches_facebook_once(platforms, asgi_server, chromium, agent):
    conversation = channels.facebook_comment("Cheap followers at spam.example")
    comment = conversation.messages.get(direction=Direction.INBOUND)
    context, page = logged_in(chromium, asgi_server, "agent", bypass_csp=False)
    page.goto(f"{asgi_server}/inbox/c/{conversation.pk}/")
    wait_live(page)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    page.locator(f"#msg-{comment.pk} button[value=delete]").click()

    expect(page.locator(f"#msg-{comment.pk} .moderation-state")).to_have_text("Deleted on Facebook", timeout=WAIT_MS)
    expect(page.locator("#panel .history")).to_contain_text("deleted a post by Ona on Facebook", timeout=WAIT_MS)
    assert asked == ["Delete this comment on Facebook? It cannot be undone."]
    assert list(ModerationCall.objects.values_list("action", "object_id")) == [("delete", comment.external_id)]
    assert not FacebookComment.objects.filter(pk=int(comment.external_id.partition("_")[2])).exists()
    assert page.locator(f"#msg-{comment.pk} button").count() == 0
    context.close()
