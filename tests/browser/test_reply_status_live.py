"""In Chromium: a reply's status moves once, together, in the composer and in the thread; never two copies."""

from __future__ import annotations

import json
import time

import pytest

from inbox.models import Direction, Message
from tests.browser.test_reply_browser import DELIVERY_MS, open_conversation, send, statuses_shown
from tests.inbox import sandbox_channels as channels

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPLY = "So sorry about that! A new one ships today."

# Every status the thread shows for the copies of the reply, in order (one entry per change).
RECORD_THREAD = """() => {
    const text = %s;
    window.__threadStatuses = [];
    const record = () => {
        const badges = Array.from(document.querySelectorAll('#thread li.out'))
            .filter(item => item.querySelector('.message-text').textContent.includes(text))
            .map(item => item.querySelector('.badge').textContent.trim());
        const shown = badges.join(',');
        const last = window.__threadStatuses[window.__threadStatuses.length - 1];
        if (shown && shown !== last) window.__threadStatuses.push(shown);
    };
    record();
    new MutationObserver(record).observe(document.getElementById('thread'), {subtree: true, childList: true});
}"""

RANK = {"queued": 0, "sending": 1, "sent": 2}


@pytest.mark.parametrize("make_conversation", [channels.x_mention, channels.facebook_comment], ids=["x", "facebook"])
def test_a_replys_status_reaches_the_composer_and_the_thread_together_once(
    make_conversation, celery_workers, asgi_server, chromium, agent
):
    conversation = make_conversation()
    celery_workers().wait_ready()
    context, page = open_conversation(chromium, asgi_server, conversation)
    page.evaluate(RECORD_THREAD % json.dumps(REPLY))

    send(page, REPLY)

    page.locator("#composer-slot .delivery[data-status=sent]").wait_for(timeout=DELIVERY_MS)
    deadline = time.monotonic() + 10  # the thread follows the composer (polled from here, as wait_for_rows does)
    while page.evaluate("window.__threadStatuses")[-1:] != ["Sent"] and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    composer = statuses_shown(page)
    assert [RANK[status] for status in composer] == sorted({RANK[status] for status in composer}), composer
    thread = page.evaluate("window.__threadStatuses")
    assert thread[-1:] == ["Sent"], thread
    assert all("," not in shown for shown in thread), thread  # never two copies of the reply
    assert [RANK[shown.lower()] for shown in thread] == sorted({RANK[shown.lower()] for shown in thread}), thread
    assert Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND, text=REPLY).count() == 1
    context.close()
