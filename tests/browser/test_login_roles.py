"""In Chromium: each role logs in and sees its pages in the navigation; an agent gets 403 on admin pages."""

import pytest

from tests.browser.pages import logged_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("fixture", "nav", "hidden"),
    [
        ("agent", ["Inbox", "Incidents"], ["SLA dashboard", "Setup", "Settings"]),
        (
            "supervisor",
            ["Inbox", "Incidents", "SLA dashboard", "Approvals", "Saved replies", "Offers", "Settings"],
            ["Setup"],
        ),
        (
            "admin_user",
            ["Inbox", "Incidents", "SLA dashboard", "Approvals", "Saved replies", "Offers", "Setup", "Settings"],
            [],
        ),
    ],
)
def test_each_role_logs_in_and_sees_its_pages(request, asgi_server, chromium, fixture, nav, hidden):
    user = request.getfixturevalue(fixture)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(asgi_server + "/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(asgi_server + "/inbox/")
    assert page.locator("h1").inner_text() == "Inbox"
    links = page.locator("nav[aria-label=Main] a").all_inner_texts()
    assert links == nav
    for name in hidden:
        assert name not in links
    for link in nav:
        page.click(f"nav[aria-label=Main] >> text={link}")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() != "Not allowed"
    context.close()


def test_agent_gets_403_on_admin_and_supervisor_pages(agent, asgi_server, chromium):
    context, page = logged_in(chromium, asgi_server, "agent")
    for path in ("/setup/", "/inbox/dashboard/"):
        response = page.goto(asgi_server + path)
        assert response.status == 403
        assert page.locator("h1").inner_text() == "Not allowed"
    context.close()
