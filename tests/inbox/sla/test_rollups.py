"""Daily rollups: the dashboard gives the same figures from rolled-up days as live, equal to plain SQL's."""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F

from brands.models import Team
from inbox.sla.models import ALL, SlaRollupCell, SlaRollupChange, SlaRollupDay
from inbox.sla.rollups import covered_days, rebuild_days, refresh
from inbox.sla.selectors import DashboardFilters, dashboard
from inbox.sla.services import set_policy
from monitoring.models import Platform
from tests.inbox.sla.helpers import (
    LA,
    NOW,
    at,
    board_for,
    channel,
    conversation,
    customer_writes,
    reply,
    resolve_without_reply,
)
from tests.inbox.sla.independent import board_figures, independent_figures

pytestmark = pytest.mark.django_db
WEEK = [date(2026, 11, 16) + timedelta(days=n) for n in range(9)]  # the board's days; the 24th is "today"


def everything(board):
    return {name: value for name, value in asdict(board).items() if name != "filters"}


def roll_up(brand):
    return rebuild_days(brand=brand, days=WEEK, now=NOW)


def test_only_complete_days_are_rolled_up_and_the_board_reads_them(brand, office_week):
    assert roll_up(brand) == WEEK[:-1]  # the 24th is not over at NOW: it stays live
    assert covered_days(brand, WEEK[0], WEEK[-1]) == set(WEEK[:-1])
    # Read from the cells, not from the clocks: a doctored cell shows (the office week has 4 received on the 23rd).
    SlaRollupCell.objects.filter(day=date(2026, 11, 23), account_key=ALL, responder_key=ALL, hour=ALL).update(
        received=F("received") + 100
    )
    assert [row["received"] for row in board_for(brand).trend if row["day"] == date(2026, 11, 23)] == [104]


def test_rolled_up_week_gives_every_figure_as_live(brand, office_week):
    live = board_for(brand)
    roll_up(brand)
    rolled = board_for(brand)
    assert everything(rolled) == everything(live)
    assert board_figures(rolled) == independent_figures(rolled, NOW)
    assert rolled.summary["received"] == 6 and rolled.summary["median_first_seconds"] == 22.5 * 60


def test_conversation_reopened_after_its_day_was_rolled_up(brand, agent):
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[])
    x = channel(brand)
    answered = conversation(x, received=at(19, 10))
    reply(answered, at=at(19, 10, 20), by=agent)
    ignored = conversation(x, received=at(19, 11))
    resolve_without_reply(ignored)  # resolved without a reply: its clock stays open until settled
    roll_up(brand)
    assert SlaRollupChange.objects.count() == 0
    # Both customers write again on the 23rd: the answered one waits for a next response, the ignored one's
    # old clock closes unanswered (a clock of the 19th ends after the 19th was rolled up) and a new one starts.
    customer_writes(answered, received=at(23, 9))
    reply(answered, at=at(23, 9, 30), by=agent)
    customer_writes(ignored, received=at(23, 10))
    reply(ignored, at=at(23, 10, 45), by=agent)
    assert date(2026, 11, 19) not in covered_days(brand, WEEK[0], WEEK[-1])  # marked: read live
    board = board_for(brand)
    assert board_figures(board) == independent_figures(board, NOW)
    assert (board.summary["received"], board.summary["closed_unanswered"], board.summary["next_answered"]) == (3, 1, 1)
    rebuilt = refresh(now=NOW)
    assert {date(2026, 11, 19), date(2026, 11, 23)} <= set(rebuilt["acme"])
    assert SlaRollupChange.objects.count() == 0 and date(2026, 11, 19) in covered_days(brand, WEEK[0], WEEK[-1])
    assert everything(board_for(brand)) == everything(board)


def test_deleting_a_conversation_or_a_responder_after_the_rollup(brand, agent, supervisor, office_week):
    roll_up(brand)
    office_week["late"].delete()  # its clocks go by cascade, on a rolled-up day
    supervisor_answer = conversation(office_week["x"], received=at(20, 9))
    reply(supervisor_answer, at=at(20, 9, 40), by=supervisor)
    roll_up(brand)
    supervisor.delete()  # the responder of a rolled-up clock becomes nobody
    assert not covered_days(brand, WEEK[0], WEEK[-1]) >= {date(2026, 11, 20), date(2026, 11, 23)}
    board = board_for(brand)
    assert board_figures(board) == independent_figures(board, NOW)
    assert [row["responder__username"] for row in board.agents] == ["agent", None]
    roll_up(brand)
    assert everything(board_for(brand)) == everything(board)


def test_dst_day_rolls_up_its_25_hours(brand, agent):
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[])
    x = channel(brand)
    # 2026-11-01 in Los Angeles runs 25 hours: 01:30 happens twice, both on the 1st.
    times = [
        datetime(2026, 11, 1, 0, 5, tzinfo=LA),
        datetime(2026, 11, 1, 1, 30, tzinfo=LA),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=LA),
        datetime(2026, 11, 1, 23, 59, tzinfo=LA),
        datetime(2026, 11, 2, 0, 1, tzinfo=LA),
    ]
    for minutes, received in enumerate(times, start=7):
        # In UTC: adding to a local time would add to the wall clock and lose the second 01:30 (fold).
        answered = received.astimezone(UTC) + timedelta(minutes=minutes)
        reply(conversation(x, received=received), at=answered, by=agent)
    filters = DashboardFilters(brand=brand, start=date(2026, 11, 1), end=date(2026, 11, 2))
    live = dashboard(filters, now=NOW)
    assert rebuild_days(brand=brand, days=[date(2026, 11, 1), date(2026, 11, 2)], now=NOW) == [
        date(2026, 11, 1),
        date(2026, 11, 2),
    ]
    rolled = dashboard(filters, now=NOW)
    assert everything(rolled) == everything(live)
    assert board_figures(rolled) == independent_figures(rolled, NOW)
    assert [(row["day"], row["received"]) for row in rolled.trend] == [(date(2026, 11, 1), 4), (date(2026, 11, 2), 1)]
    assert {(row["weekday"], row["hour"]): row["received"] for row in rolled.heatmap} == {
        (7, 0): 1,
        (7, 1): 2,
        (7, 23): 1,
        (1, 0): 1,
    }
    # 7, 8, 9 and 10 minutes on the 1st: the median interpolates between the 2nd and 3rd.
    assert rolled.trend[0]["median_first_seconds"] == 8.5 * 60


@pytest.fixture
def busy_week(brand, agent, supervisor):
    """Random traffic on two channels by two people, some of it unanswered, some answered late or again."""
    set_policy(brand=brand, first_response_minutes=45, hours=["mon-fri 08:00-18:00", "sat 10:00-14:00"], holidays=[])
    accounts = [channel(brand, Platform.X), channel(brand, Platform.FACEBOOK, "page")]
    rng = random.Random(11)
    waiting = []
    for _ in range(160):
        received = at(16, 0) + timedelta(minutes=rng.randrange(0, 8 * 24 * 60 + 11 * 60))
        convo = conversation(rng.choice(accounts), received=received, delay=timedelta(seconds=rng.randrange(0, 600)))
        convo.assignee = rng.choice([agent, supervisor, None])
        convo.save(update_fields=["assignee"])
        answer = received + timedelta(minutes=rng.randrange(1, 900))
        if rng.random() < 0.75 and answer < NOW:
            reply(convo, at=answer, by=rng.choice([agent, supervisor, None]), automated=rng.random() < 0.05)
            if rng.random() < 0.2 and answer + timedelta(hours=2) < NOW:
                customer_writes(convo, received=answer + timedelta(hours=2))
        else:
            waiting.append(convo)
    return waiting


def test_random_week_with_filters_matches_sql_rolled_up_marked_and_live(brand, agent, supervisor, busy_week):
    team = Team.objects.create(brand=brand, name="Day shift")
    team.members.add(agent)
    account = brand.accounts.order_by("pk").first()
    views = [
        {},
        {"account_id": account.pk},
        {"agent_id": supervisor.pk},
        {"team_member_ids": (agent.pk,)},
        {"account_id": account.pk, "team_member_ids": (agent.pk, supervisor.pk)},
    ]
    live = board_for(brand)
    roll_up(brand)
    # Three waiting conversations of rolled-up days get answered now: their days are marked and read live.
    for convo in busy_week[:3]:
        reply(convo, at=NOW - timedelta(minutes=5), by=agent)
    assert len(covered_days(brand, WEEK[0], WEEK[-1])) < len(WEEK) - 1
    for view in views:
        board = board_for(brand, **view)
        assert board_figures(board) == independent_figures(board, NOW), view
    assert board_for(brand).summary["received"] == live.summary["received"]
    refresh(now=NOW)
    for view in views:
        board = board_for(brand, **view)
        assert board_figures(board) == independent_figures(board, NOW), view


def test_a_new_audience_time_zone_ignores_old_rollups(brand, office_week):
    roll_up(brand)
    brand.audience_time_zone = "Europe/Vilnius"
    brand.save(update_fields=["audience_time_zone"])
    assert covered_days(brand, WEEK[0], WEEK[-1]) == set()
    board = board_for(brand)
    assert board_figures(board) == independent_figures(board, NOW)


def test_refresh_builds_missing_recent_days_once(brand, office_week):
    first = refresh(now=NOW)
    assert date(2026, 11, 23) in first["acme"] and len(first["acme"]) == 7  # a few days per run
    second = refresh(now=NOW)
    assert set(second["acme"]).isdisjoint(first["acme"])
    days = SlaRollupDay.objects.filter(brand=brand)
    assert days.count() == 14 and {day.time_zone for day in days} == {"America/Los_Angeles"}


def test_dashboard_reads_rollups_in_eight_queries(brand, agent, office_week, django_assert_num_queries):
    roll_up(brand)
    # Seven for the clock's figures and lists, one for the items to review (off the clock, counted apart).
    with django_assert_num_queries(8):
        board_for(brand)
    with django_assert_num_queries(8):
        board_for(brand, team_member_ids=(agent.pk,), account_id=office_week["x"].pk)


def test_command_rebuilds_a_range(brand, office_week, capsys):
    call_command("sla", "rollups", "--brand", "acme", "--start", "2026-11-16", "--end", "2026-11-22")
    assert "Rolled up 7 days of acme from 2026-11-16 to 2026-11-22." in capsys.readouterr().out
    assert SlaRollupDay.objects.filter(brand=brand).count() == 7


def test_a_team_without_members_sees_no_clocks(brand, agent, office_week):
    roll_up(brand)
    empty = board_for(brand, team_member_ids=())
    assert empty.summary["received"] == 0 and empty.agents == [] and empty.trend == [] and empty.breaches == []
    assert board_for(brand, agent_id=agent.pk, team_member_ids=()).summary["received"] == 0


def test_beat_runs_the_refresh_task_every_five_minutes(settings, brand, office_week):
    from inbox.sla.tasks import refresh_rollups

    assert settings.CELERY_BEAT_SCHEDULE["sla-refresh-rollups"] == {
        "task": "inbox.sla.refresh_rollups",
        "schedule": 300.0,
    }
    assert refresh_rollups.apply().get() == 7  # a week of the missing recent days per run
    assert SlaRollupDay.objects.filter(brand=brand).count() == 7


def test_a_brand_with_finished_clocks_can_be_deleted(brand, office_week):
    from django.db import connection

    from brands.models import Brand

    brand_id = brand.pk
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what the commit would check, checked now
    brand.delete()  # its clocks go first; the marks written for them must not hold the brand back
    assert not Brand.objects.filter(pk=brand_id).exists()
    assert SlaRollupChange.objects.filter(brand_id=brand_id).exists()
    refresh(now=NOW)
    assert not SlaRollupChange.objects.filter(brand_id=brand_id).exists()
