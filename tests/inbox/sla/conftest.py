"""The office week: hand-described SLA cases shared by the dashboard and rollup tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.sla.services import set_policy
from monitoring.models import Platform
from tests.inbox.sla.helpers import at, channel, conversation, customer_writes, reply, resolve_without_reply


@pytest.fixture
def office_week(brand, agent):
    """Business hours Mon-Fri 09:00-17:00, 30 minutes; the week's cases are described one by one."""
    set_policy(brand=brand, first_response_minutes=30, hours=["mon-fri 09:00-17:00"], holidays=[])
    x, facebook = channel(brand, Platform.X, "acme"), channel(brand, Platform.FACEBOOK, "Acme page")
    friday = conversation(x, received=at(20, 16, 45), delay=timedelta(minutes=2))
    reply(friday, at=at(23, 9, 10), by=agent)  # 25 business minutes, within target (due 09:15)
    late = conversation(x, received=at(23, 10))
    reply(late, at=at(23, 11), by=agent)  # 60 minutes: a breach
    waiting = conversation(x, received=at(23, 10, 30))
    reply(waiting, at=at(23, 10, 31), by=None, automated=True)  # acknowledged, still waiting: a breach
    elsewhere = conversation(x, received=at(23, 14))
    reply(elsewhere, at=at(23, 14, 20), by=agent, account=facebook, visibility="private")  # 20 minutes
    reopened = conversation(facebook, received=at(23, 9))
    resolve_without_reply(reopened)
    customer_writes(reopened, received=at(24, 9))
    reply(reopened, at=at(24, 9, 5), by=agent)  # 5 minutes from the new message
    customer_writes(friday, received=at(23, 13))
    reply(friday, at=at(23, 13, 10), by=agent)  # a next response in 10 minutes
    return {"x": x, "facebook": facebook, "waiting": waiting, "late": late, "reopened": reopened}
