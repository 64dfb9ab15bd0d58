"""In Chromium: a supervisor confirms the incident the detector proposed after a sandbox storm, sees the banner,
acknowledges the playbook, sees free text on a linked mention wait for approval, and answers it with the approved
holding statement, which reaches the customer's thread on the sandbox X. Delivery runs in a real Celery worker
process; nothing runs eagerly."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_member
from crisis.models import Incident, IncidentStatus
from crisis.services.detect import detect_brand
from crisis.services.pending import drain, forget_pending
from crisis.services.playbooks import do_approve_version, do_write_version
from inbox.models import DeliveryStatus, Direction, Message
from sandbox.models import Tweet
from tests.browser.pages import WAIT_MS, logged_in
from tests.conftest import PASSWORD
from tests.crisis.history import store_history
from tests.inbox import sandbox_channels as channels

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "incident.png"
DELIVERY_MS = 45_000
HOLDING = "We know the latest update hid saved recipes for some of you. Nothing is lost: they are back by 18:00 UTC."


def _storm_detected(brand) -> Incident:
    """Three normal weeks of minute counts, then a sandbox storm polled as in production and detected."""
    now = timezone.now().replace(second=0, microsecond=0)
    forget_pending()
    store_history(brand, weeks=3, until=now - timedelta(minutes=30))
    call_command(
        "sandbox", "crisis", "--brand", "acme", "--topic", "the saved recipes", "--count", "90", stdout=StringIO()
    )
    call_command("poll", "--once", stdout=StringIO())
    drain()  # what the minute's task does first
    detect_brand(brand_id=brand.pk, now=timezone.now())
    return Incident.objects.get(status=IncidentStatus.PROPOSED)


def test_supervisor_confirms_the_incident_acknowledges_and_replies_with_the_approved_statement(
    celery_workers, asgi_server, chromium, brand, supervisor
):
    lead = create_user(username="lead", password=PASSWORD, role=Role.SUPERVISOR)
    add_member(brand=brand, user=lead)
    channels.x_account()
    version = do_write_version(
        author=lead,
        brand=brand,
        language="en",
        key_facts="Saved recipes are hidden, not deleted. Fix ships by 18:00 UTC.",
        escalation_contacts="press@acme.test",
        steps="Answer each public complaint with the holding statement; escalate journalists.",
        statements={"holding": HOLDING, "resolution": "Saved recipes are back. Thank you for your patience."},
    )
    do_approve_version(approver=supervisor, version_id=version.pk)
    incident = _storm_detected(brand)
    celery_workers().wait_ready()
    context, page = logged_in(chromium, asgi_server, "supervisor", viewport={"width": 1280, "height": 900})

    page.goto(f"{asgi_server}/crisis/{incident.pk}/")
    page.fill("#id_title", "Saved recipes missing after update")
    page.select_option("#id_severity", "high")
    page.fill("#id_definition", "recipes")
    page.click("text=Confirm and start crisis mode")
    page.locator("[data-testid=crisis-banner]").wait_for(timeout=WAIT_MS)
    assert "Saved recipes missing after update" in page.locator("[data-testid=crisis-banner]").inner_text()
    page.click("text=I have read playbook v1")
    page.locator("[data-testid=acknowledged]").wait_for(timeout=WAIT_MS)
    assert "supervisor" in page.locator("[data-testid=acknowledgements]").inner_text()
    page.locator("[data-testid=crisis-banner]").wait_for(timeout=WAIT_MS)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    linked = incident.links.order_by("conversation_id").first()
    assert linked is not None
    page.goto(f"{asgi_server}/inbox/c/{linked.conversation_id}/")
    page.locator("[data-testid=crisis-banner]").wait_for(timeout=WAIT_MS)
    page.fill("#composer-slot textarea", "Hang on, we are looking into it.")
    page.locator("#composer-slot button.primary").click()
    held = page.locator("#composer-slot [data-testid=approval-status][data-status=pending]")
    held.wait_for(timeout=WAIT_MS)
    assert "free text during the incident" in held.inner_text()
    page.select_option("#composer-slot select.saved-reply-picker", label="Statement: Holding statement (v1)")
    assert page.locator("#composer-slot textarea").input_value() == HOLDING
    page.locator("#composer-slot button.primary").click()
    page.locator("#composer-slot .delivery[data-status=sent]").wait_for(timeout=DELIVERY_MS)

    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert reply.delivery_status == DeliveryStatus.SENT and reply.text == HOLDING
    assert Tweet.objects.get(pk=int(reply.external_id)).text.endswith(HOLDING)
    context.close()
