"""The policy admin: hours as text in, shifts stored, a preview of due times for what is being typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.sla.models import SlaPolicy
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_admin_saves_hours_and_previews_due_times(client, brand, superuser):
    client.login(username="root", password=PASSWORD)
    form = {
        "brand": brand.pk,
        "platform": "",
        "priority": "",
        "first_response_minutes": 30,
        "next_response_minutes": 30,
        "at_risk_percent": 75,
        "escalation": "none",
        "hours": "mon-fri 09:00-17:00",
        "holiday_dates": "2026-12-25",
    }
    preview = client.post(reverse("admin:inbox_slapolicy_preview"), form)
    assert preview.status_code == 200
    assert b"Fri" in preview.content and b"09:15 PST" in preview.content  # Friday 16:45 is due Monday 09:15
    wrong = client.post(reverse("admin:inbox_slapolicy_preview"), {**form, "hours": "mon-fry 09:00-17:00"})
    assert b"&#x27;fry&#x27; is not a day" in wrong.content
    response = client.post(reverse("admin:inbox_slapolicy_add"), form)
    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert policy.shifts == [[day, 540, 1020] for day in range(5)]
    page = client.get(reverse("admin:inbox_slapolicy_change", args=[policy.pk]))
    assert b"mon-fri 09:00-17:00" in page.content and b"sla-preview" in page.content


def test_agents_cannot_use_the_preview(client, brand, agent):
    client.login(username="agent", password=PASSWORD)
    assert client.post(reverse("admin:inbox_slapolicy_preview"), {}).status_code == 302
