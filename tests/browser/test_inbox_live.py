"""In Chromium: two agents see each other's presence and typing, new mentions appear live, hostile text stays inert."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from inbox.models import Conversation, Status
from inbox.services.ingest import ingest_batch
from tests.browser.pages import WAIT_MS, logged_in, wait_live
from tests.conftest import PASSWORD
from tests.inbox.ingest_helpers import author, batch, make_account, post

pytestmark = pytest.mark.browser


@pytest.fixture
def colleague(brand):
    user = create_user(username="colleague", password=PASSWORD, role=Role.AGENT)
    add_member(brand=brand, user=user)
    return user


@pytest.fixture
def account(brand):
    return make_account(brand)


def test_two_agents_see_each_other_viewing_and_typing(asgi_server, chromium, agent, colleague, account):
    ingest_batch(account=account, stream="mentions", result=batch(post("1", text="Where is my order?")))
    conversation = Conversation.objects.get()
    ann_context, ann = logged_in(chromium, asgi_server, "agent")
    bob_context, bob = logged_in(chromium, asgi_server, "colleague")
    url = f"{asgi_server}/inbox/c/{conversation.pk}/"
    ann.goto(url)
    bob.goto(url)
    wait_live(ann)
    wait_live(bob)
    ann.wait_for_function("document.getElementById('presence').textContent.includes('colleague')", timeout=WAIT_MS)
    bob.wait_for_function("document.getElementById('presence').textContent.includes('agent')", timeout=WAIT_MS)

    ann.locator("#composer-slot textarea").first.type("Sorry about", delay=30)
    bob.wait_for_function(
        "document.getElementById('presence').textContent.includes('agent is typing')", timeout=WAIT_MS
    )
    assert "typing" not in ann.locator("#presence").inner_text()  # one does not see oneself

    ann_context.close()  # the tab closes: Bob stops seeing Ann
    bob.wait_for_function("!document.getElementById('presence').textContent.includes('Also viewing')", timeout=WAIT_MS)
    bob_context.close()


def test_a_new_mention_appears_live_in_both_inboxes(asgi_server, chromium, agent, colleague, account):
    ann_context, ann = logged_in(chromium, asgi_server, "agent")
    bob_context, bob = logged_in(chromium, asgi_server, "colleague")
    wait_live(ann)
    wait_live(bob)
    assert ann.locator("#queue-list .row").count() == 0
    ingest_batch(
        account=account,
        stream="mentions",
        result=batch(post("77", text="My espresso machine leaks", by=author("u9", name="Rita Moreno"))),
    )
    conversation = Conversation.objects.get()
    for page in (ann, bob):
        row = page.locator(f"#conv-{conversation.pk}")
        row.wait_for(timeout=WAIT_MS)
        assert "My espresso machine leaks" in row.inner_text()
        assert "Rita Moreno" in row.inner_text()
    # A change by one agent shows in the other's list too.
    ann.keyboard.press("j")
    ann.keyboard.press("a")
    bob.wait_for_function(
        f"document.querySelector('#conv-{conversation.pk} .assignee').textContent.includes('agent')", timeout=WAIT_MS
    )
    conversation.refresh_from_db()
    assert conversation.assignee == agent and conversation.status == Status.OPEN
    ann_context.close()
    bob_context.close()


PAYLOADS = [
    "<script>window.__pwned = 1; alert('script')</script>",
    "<img src=x onerror=\"window.__pwned = 1; alert('img')\">",
    '"><svg onload="window.__pwned = 1; alert(\'svg\')"></svg>',
    "<a href=\"javascript:alert('link')\">click me</a>",
    "javascript:alert('bare')",
    "<iframe src=\"javascript:alert('frame')\"></iframe>",
    "{{ 7|add:7 }} {% csrf_token %}",
]


def test_hostile_mention_text_and_author_names_render_inert(asgi_server, chromium, agent, account):
    posts = [
        post(
            str(100 + n),
            text=payload,
            minutes=n,
            by=author(f"evil{n}", name=payload, handle=f"evil{n}", profile_url="javascript:alert('profile')"),
        )
        for n, payload in enumerate(PAYLOADS)
    ]
    ingest_batch(account=account, stream="mentions", result=batch(*posts))
    context, page = logged_in(chromium, asgi_server, "agent")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    visited = [f"{asgi_server}/inbox/"] + [f"{asgi_server}/inbox/c/{c.pk}/" for c in Conversation.objects.all()]
    for url in visited:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        injected = page.evaluate(
            """() => ({
                pwned: window.__pwned || 0,
                handlers: document.querySelectorAll('[onerror],[onload],[onclick]').length,
                foreign: document.querySelectorAll(['#queue-list', '#thread', '#panel', 'h1', 'title']
                    .map(where => ['img', 'svg', 'iframe', 'script', 'a[href*=javascript]']
                        .map(what => where + ' ' + what).join(',')).join(',')).length,
                jsLinks: Array.from(document.querySelectorAll('a[href]'))
                    .filter(a => a.href.trim().toLowerCase().startsWith('javascript:')).length,
            })"""
        )
        assert injected == {"pwned": 0, "handlers": 0, "foreign": 0, "jsLinks": 0}, url
    assert dialogs == []
    page.goto(f"{asgi_server}/inbox/")
    shown = page.locator("#queue-list").inner_text()
    assert "<script>window.__pwned" in shown  # shown as the text it is
    context.close()
