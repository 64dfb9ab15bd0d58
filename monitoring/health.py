"""Listening health: the state of every stream, its arrival figures, and the alerts when one stops hearing.

A stream is *failing* from its first fault (5xx, timeout, refused token) until a page is stored again,
*rate-limited* while the platform asked us to wait, *catching up* while its last poll left pages ready,
*paused* when the account is, *never run* before its first poll. A stream failing, or silent (no page
stored), for longer than its platform's threshold opens one ListeningIncident for its account: one alert
to the brand's admins and on-shift supervisors through the brand's listening-health alert rule, and one
"recovered" note when its streams store pages again (or it is paused on purpose). The incident row's
unique constraint makes "once" hold across workers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import connection, transaction
from django.utils import timezone

from brands.models import Brand
from monitoring.alerts.conditions import Hit
from monitoring.alerts.models import AlertRule
from monitoring.alerts.services import raise_alerts
from monitoring.connectors.facebook import WEBHOOK_STREAM
from monitoring.models import ChannelAccount, ListeningIncident, Platform, StreamCursor
from monitoring.webhooks import INBOUND_STREAM

# How long a stream may fail or stay silent before people are told: feeds publish seldom.
THRESHOLDS = {
    Platform.X: timedelta(minutes=15),
    Platform.FACEBOOK: timedelta(minutes=15),
    Platform.FEED: timedelta(hours=2),
}
FIGURES_WINDOW = timedelta(hours=1)
# Streams fed by platform pushes: silence there is normal, only polled streams are watched.
PUSHED_STREAMS = (INBOUND_STREAM, WEBHOOK_STREAM)
LISTENING_RULE_NAME = "Listening health"


class State(StrEnum):
    HEALTHY = "healthy"
    CATCHING_UP = "catching up"
    RATE_LIMITED = "rate-limited"
    FAILING = "failing"
    PAUSED = "paused"
    NEVER_RUN = "never run"


@dataclass(frozen=True)
class StreamHealth:
    account: ChannelAccount
    stream: str
    state: State
    since: datetime | None  # failing since / rate-limited until
    message: str  # the platform's own words for a failure
    last_success_at: datetime | None


@dataclass(frozen=True)
class ArrivalFigures:
    """Over the last hour: delay from the platform's post time to our storing it, and items stored."""

    median_seconds: float | None
    p90_seconds: float | None
    items: int


def state_of(account: ChannelAccount, cursor: StreamCursor | None, now: datetime) -> State:
    if not account.enabled:
        return State.PAUSED
    if cursor is None or (cursor.last_success_at is None and cursor.failing_since is None):
        return State.NEVER_RUN
    if cursor.failing_since is not None:
        return State.FAILING
    if cursor.paused_until is not None and cursor.paused_until > now:
        return State.RATE_LIMITED
    return State.CATCHING_UP if cursor.catching_up else State.HEALTHY


def streams_of(brands: Iterable[Brand], *, now: datetime | None = None) -> list[StreamHealth]:
    """Every stream of the brands' accounts (an account never polled shows as one stream, never run)."""
    now = now or timezone.now()
    accounts = ChannelAccount.objects.filter(brand__in=list(brands)).select_related("brand").prefetch_related("cursors")
    health = []
    for account in accounts.order_by("brand__name", "platform", "handle", "pk"):
        cursors: list[StreamCursor | None] = [*sorted(account.cursors.all(), key=lambda cursor: cursor.stream)]
        for cursor in cursors or [None]:
            state = state_of(account, cursor, now)
            since = None
            if state == State.FAILING and cursor is not None:
                since = cursor.failing_since
            elif state == State.RATE_LIMITED and cursor is not None:
                since = cursor.paused_until
            health.append(
                StreamHealth(
                    account=account,
                    stream=cursor.stream if cursor else "",
                    state=state,
                    since=since,
                    message=cursor.last_error if cursor and state == State.FAILING else "",
                    last_success_at=cursor.last_success_at if cursor else None,
                )
            )
    return health


def arrival_figures(account_ids: list[int], *, now: datetime | None = None) -> dict[int, ArrivalFigures]:
    """Median and p90 arrival delay and items stored per account over the last hour, in one statement.

    The BRIN index on received_at (inbox migration) finds the last hour's block ranges without a
    per-row index on the ingest path.
    """
    if not account_ids:
        return {}
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT account_id,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY delay),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY delay),
                   count(*)
            FROM (
                SELECT account_id, GREATEST(EXTRACT(EPOCH FROM received_at - platform_time), 0) AS delay
                FROM inbox_message
                WHERE received_at >= %s AND received_at <= %s AND account_id = ANY(%s) AND direction = 'in'
            ) recent
            GROUP BY account_id
            """,
            [now - FIGURES_WINDOW, now, account_ids],
        )
        rows = cursor.fetchall()
    return {row[0]: ArrivalFigures(row[1], row[2], row[3]) for row in rows}


def failing_accounts(brand_ids: list[int]) -> list[ChannelAccount]:
    """Enabled accounts of these brands with a stream failing now: the inbox shows a banner for them."""
    return list(
        ChannelAccount.objects.filter(brand_id__in=brand_ids, enabled=True, cursors__failing_since__isnull=False)
        .select_related("brand")
        .distinct()
        .order_by("brand__name", "handle")
    )


def failing_stream_count() -> int:
    """Streams of enabled accounts failing now, across every brand: one count over a few rows an account."""
    return StreamCursor.objects.filter(failing_since__isnull=False, account__enabled=True).count()


def trouble(cursor: StreamCursor, now: datetime) -> str | None:
    """Why this stream needs people, once it failed or stayed silent past its threshold; None when fine."""
    account = cursor.account
    threshold = THRESHOLDS.get(Platform(account.platform))
    if threshold is None or not account.enabled:
        return None
    if cursor.failing_since is not None and cursor.failing_since <= now - threshold:
        return f"failing since {cursor.failing_since:%Y-%m-%d %H:%M} UTC: {cursor.last_error or 'no answer'}"
    silent = cursor.failing_since is None and cursor.last_success_at is not None
    if silent and cursor.last_success_at is not None and cursor.last_success_at <= now - threshold:
        return f"nothing stored since {cursor.last_success_at:%Y-%m-%d %H:%M} UTC"
    return None


def _describe(account: ChannelAccount) -> str:
    return f"{account.get_platform_display()} {account.handle or account.external_id}"


def listening_rule(brand_id: int) -> AlertRule:
    rule, _ = AlertRule.objects.get_or_create(
        brand_id=brand_id, listening_health=True, defaults={"name": LISTENING_RULE_NAME, "notify_in_app": True}
    )
    return rule


def _alert(account: ChannelAccount, reason: str) -> None:
    raise_alerts(hits=[Hit(rule=listening_rule(account.brand_id), reason=reason)])


def _troubles(now: datetime) -> dict[int, tuple[ChannelAccount, list[tuple[StreamCursor, str]]]]:
    """Every polled account with its streams in trouble now (an empty list: all of them fine)."""
    cursors = (
        StreamCursor.objects.select_related("account__brand")
        .filter(account__platform__in=list(THRESHOLDS), account__enabled=True)
        .exclude(stream__in=PUSHED_STREAMS)
        .order_by("account_id", "stream")
    )
    accounts: dict[int, tuple[ChannelAccount, list[tuple[StreamCursor, str]]]] = {}
    for cursor in cursors:
        _, troubled = accounts.setdefault(cursor.account_id, (cursor.account, []))
        reason = trouble(cursor, now)
        if reason is not None:
            troubled.append((cursor, reason))
    return accounts


@transaction.atomic
def check_listening(*, now: datetime | None = None) -> tuple[int, int]:
    """Open an incident (and alert) for each account with a stream in trouble; close (and note) each whose
    streams all listen again. Returns (opened, recovered).

    One alert per account, not per stream: a revoked token stops all of them at once. Safe in several
    workers at once: open incidents are locked, and at most one opens per account (unique constraint).
    """
    now = now or timezone.now()
    opened = recovered = 0
    open_incidents = {
        incident.account_id: incident
        for incident in ListeningIncident.objects.select_for_update(skip_locked=True).filter(recovered_at__isnull=True)
    }
    watched = _troubles(now)
    for account_id in set(open_incidents) - set(watched):
        # Paused on purpose (or no longer polled): nothing is expected from it any more.
        watched[account_id] = (ChannelAccount.objects.select_related("brand").get(pk=account_id), [])
    for account_id, (account, troubled) in watched.items():
        if troubled and account_id not in open_incidents:
            streams = ", ".join(cursor.stream for cursor, _ in troubled)
            reason = f"{streams}: {troubled[0][1]}"
            started = min(cursor.failing_since or cursor.last_success_at or now for cursor, _ in troubled)
            _, created = ListeningIncident.objects.get_or_create(
                account=account, recovered_at=None, defaults={"reason": reason, "started_at": started}
            )
            if created:
                opened += 1
                _alert(account, f"{_describe(account)} stopped listening ({reason})")
        elif not troubled and account_id in open_incidents:
            incident = open_incidents[account_id]
            incident.recovered_at = now
            incident.save(update_fields=["recovered_at"])
            recovered += 1
            _alert(account, f"{_describe(account)} recovered: listening again since {now:%Y-%m-%d %H:%M} UTC")
    return opened, recovered
