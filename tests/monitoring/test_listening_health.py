"""Listening health against the sandbox: a revoked token makes the stream fail, alerts once after the
threshold, shows a banner in the inbox, and one recovery note follows when it listens again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.alerts.models import AlertDelivery
from monitoring.channel_accounts import add_x_account
from monitoring.health import THRESHOLDS, State, check_listening, streams_of
from monitoring.models import ListeningIncident, Platform, StreamCursor
from monitoring.services import poll_account
from sandbox import services as sandbox
from sandbox.models import XUser


@pytest.fixture
def x_account(platforms, live_brand):
    credentials = sandbox.create_x_account(username="acme", name="Acme Coffee")
    return add_x_account(
        brand_slug="acme", user_id=credentials.user_id, handle="acme", bearer_token=credentials.bearer_token
    )


def mentions(account) -> StreamCursor:
    return StreamCursor.objects.get(account=account, stream="mentions")


def deliveries(reason_part: str) -> list[tuple[str, str]]:
    return sorted(
        (delivery.channel, delivery.rule.name)
        for delivery in AlertDelivery.objects.select_related("rule").filter(reason__contains=reason_part)
    )


def banner(client) -> bool:
    return 'data-testid="listening-banner"' in client.get("/inbox/").content.decode()


def test_a_revoked_token_alerts_once_after_the_threshold_then_notes_the_recovery_once(
    admin_user, supervisor, agent, client, x_account
):
    admin_user.email = "admin@example.com"
    admin_user.save(update_fields=["email"])
    poll_account(x_account.pk)
    assert streams_of([x_account.brand])[0].state == State.HEALTHY
    client.force_login(agent)
    assert not banner(client)

    revoked = XUser.objects.get(username="acme")
    token = revoked.bearer_token
    XUser.objects.filter(pk=revoked.pk).update(bearer_token="revoked")
    poll_account(x_account.pk)
    cursor = mentions(x_account)
    failing = next(h for h in streams_of([x_account.brand]) if h.stream == "mentions")
    assert (failing.state, failing.message) == (State.FAILING, "X refused the account's tokens (401)")
    assert banner(client)

    threshold = THRESHOLDS[Platform.X]
    assert check_listening(now=cursor.failing_since + threshold - timedelta(seconds=1)) == (0, 0)
    assert check_listening(now=cursor.failing_since + threshold) == (1, 0)
    assert check_listening(now=cursor.failing_since + threshold + timedelta(minutes=5)) == (0, 0)
    alert = [("email", "Listening health"), ("in_app", "Listening health")]
    assert deliveries("stopped listening") == alert
    assert ListeningIncident.objects.get().reason.endswith("X refused the account's tokens (401)")

    XUser.objects.filter(pk=revoked.pk).update(bearer_token=token)
    StreamCursor.objects.filter(account=x_account).update(paused_until=None)  # their backoff has passed
    poll_account(x_account.pk)
    assert not banner(client)
    assert check_listening(now=timezone.now()) == (0, 1)
    assert check_listening(now=timezone.now()) == (0, 0)
    assert deliveries("recovered") == alert
    assert deliveries("stopped listening") == alert  # no second alert
    assert ListeningIncident.objects.get().recovered_at is not None


def test_a_stream_silent_past_its_threshold_alerts_too(admin_user, x_account):
    poll_account(x_account.pk)
    cursor = mentions(x_account)
    assert check_listening(now=cursor.last_success_at + THRESHOLDS[Platform.X] + timedelta(seconds=1)) == (1, 0)
    assert "nothing stored since" in ListeningIncident.objects.get(account=x_account).reason


def test_the_channels_page_shows_each_streams_state_and_arrival_figures(admin_user, client, x_account):
    sandbox.post_mention(brand="acme", text="hello there", author="ana")
    poll_account(x_account.pk)
    client.force_login(admin_user)
    page = client.get("/settings/channels/").content.decode()
    assert 'data-testid="stream-state">healthy' in page
    assert "never" not in page.split("mentions", 1)[1].split("</tr>", 1)[0]
