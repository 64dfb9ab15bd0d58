"""Dashboard figures: hand-computed cases, an independent SQL computation, constant queries, permissions."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import Conversation
from inbox.sla.selectors import DashboardFilters, dashboard
from inbox.sla.services import set_policy
from monitoring.models import Platform
from tests.conftest import PASSWORD
from tests.inbox.sla.helpers import LA, NOW, at, board_for, channel, conversation, reply

pytestmark = pytest.mark.django_db


def test_hand_computed_week(brand, office_week):
    summary = board_for(brand).summary
    assert summary["received"] == 6  # five conversations, one of them twice (closed, then reopened)
    assert summary["answered"] == 4
    assert summary["within_target"] == 3
    assert summary["decided"] == 5  # the four answered and the one waiting past due
    assert summary["within_target_share"] == 0.6
    assert summary["breaches"] == 2
    assert summary["closed_unanswered"] == 1
    assert summary["median_first_seconds"] == 22.5 * 60  # 5, 20, 25, 60 minutes of business time
    assert summary["p90_first_seconds"] == pytest.approx(49.5 * 60)
    assert (summary["next_received"], summary["next_answered"], summary["median_next_seconds"]) == (1, 1, 600)
    assert (summary["acknowledged"], summary["median_ack_seconds"]) == (1, 60)
    # Delays of the seven clocks: 120 s for Friday's message, none for the rest; p90 interpolates 0.4 of 120 s.
    assert (summary["median_listening_delay_seconds"], pytest.approx(summary["p90_listening_delay_seconds"])) == (0, 48)


def test_hand_computed_tables(brand, agent, office_week):
    board = board_for(brand)
    assert [(row["band"], row["count"]) for row in board.backlog if row["count"]] == [("over 24 h", 1)]
    assert [row["conversation_id"] for row in board.unanswered] == [office_week["waiting"].pk]
    breached = {row["conversation_id"] for row in board.breaches}
    assert breached == {office_week["waiting"].pk, office_week["late"].pk}
    assert [(row["responder__username"], row["answered"], row["within_target"]) for row in board.agents] == [
        ("agent", 4, 3)
    ]
    channels = {row["account__handle"]: (row["received"], row["answered"]) for row in board.channels}
    assert channels == {"acme": (4, 3), "Acme page": (2, 1)}
    monday = {(row["weekday"], row["hour"]): row["received"] for row in board.heatmap}
    # Monday 13:00 holds only the next-response clock: a cell with no new conversation.
    assert monday == {(5, 16): 1, (1, 10): 2, (1, 13): 0, (1, 14): 1, (1, 9): 1, (2, 9): 1}
    assert [(row["day"], row["received"]) for row in board.trend] == [
        (date(2026, 11, 20), 1),
        (date(2026, 11, 23), 4),
        (date(2026, 11, 24), 1),
    ]
    only_facebook = board_for(brand, account_id=office_week["facebook"].pk).summary
    assert (only_facebook["received"], only_facebook["answered"]) == (2, 1)


def test_days_and_hours_follow_the_audience_zone_across_dst(brand, agent):
    set_policy(brand=brand, first_response_minutes=60, hours=[], holidays=[])
    x = channel(brand)
    # 2026-11-01 01:30 happens twice in Los Angeles; both are Sunday 01:00-02:00 local, on November 1.
    first = datetime(2026, 11, 1, 1, 30, tzinfo=LA)
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=LA)
    assert second - first == timedelta(0) or second.utcoffset() != first.utcoffset()
    for received in (first, second, datetime(2026, 11, 1, 23, 59, tzinfo=LA)):
        convo = conversation(x, received=received)
        reply(convo, at=received + timedelta(minutes=10), by=agent)
    filters = DashboardFilters(brand=brand, start=date(2026, 11, 1), end=date(2026, 11, 1))
    board = dashboard(filters, now=NOW)
    assert [(row["day"], row["received"]) for row in board.trend] == [(date(2026, 11, 1), 3)]
    assert {(row["weekday"], row["hour"]): row["received"] for row in board.heatmap} == {(7, 1): 2, (7, 23): 1}


INDEPENDENT_SUMMARY = """
SELECT count(*) FILTER (WHERE kind = 'first'),
       count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered'),
       count(*) FILTER (WHERE kind = 'first' AND outcome = 'answered' AND stopped_at <= due_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds)
           FILTER (WHERE kind = 'first' AND outcome = 'answered'),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY business_seconds)
           FILTER (WHERE kind = 'first' AND outcome = 'answered'),
       count(*) FILTER (WHERE (outcome = 'answered' AND stopped_at > due_at)
                           OR (outcome = 'open' AND due_at <= %(now)s))
FROM inbox_responseclock
WHERE brand_id = %(brand)s AND started_at >= %(first)s AND started_at < %(after)s
"""
INDEPENDENT_HEATMAP = """
SELECT extract(isodow FROM started_at AT TIME ZONE %(zone)s)::int,
       extract(hour FROM started_at AT TIME ZONE %(zone)s)::int,
       count(*) FILTER (WHERE kind = 'first')
FROM inbox_responseclock
WHERE brand_id = %(brand)s AND started_at >= %(first)s AND started_at < %(after)s
GROUP BY 1, 2 ORDER BY 1, 2
"""
INDEPENDENT_TREND = """
SELECT (started_at AT TIME ZONE %(zone)s)::date, count(*) FILTER (WHERE kind = 'first'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY business_seconds)
           FILTER (WHERE kind = 'first' AND outcome = 'answered')
FROM inbox_responseclock
WHERE brand_id = %(brand)s AND started_at >= %(first)s AND started_at < %(after)s
GROUP BY 1 ORDER BY 1
"""


def test_figures_match_an_independent_sql_computation(brand, agent):
    set_policy(brand=brand, first_response_minutes=45, hours=["mon-fri 08:00-18:00", "sat 10:00-14:00"], holidays=[])
    accounts = [channel(brand, Platform.X), channel(brand, Platform.FACEBOOK, "page")]
    rng = random.Random(5)
    for _ in range(120):
        received = at(16, 0) + timedelta(minutes=rng.randrange(0, 8 * 24 * 60))
        convo = conversation(rng.choice(accounts), received=received, delay=timedelta(seconds=rng.randrange(0, 600)))
        if rng.random() < 0.8:
            reply(convo, at=received + timedelta(minutes=rng.randrange(1, 600)), by=agent)
    board = board_for(brand)
    first, after = board.filters.window
    params = {"brand": brand.pk, "first": first, "after": after, "now": NOW, "zone": brand.audience_time_zone}
    with connection.cursor() as cursor:
        cursor.execute(INDEPENDENT_SUMMARY, params)
        summary = cursor.fetchone()
        cursor.execute(INDEPENDENT_HEATMAP, params)
        heatmap = cursor.fetchall()
        cursor.execute(INDEPENDENT_TREND, params)
        trend = cursor.fetchall()
    s = board.summary
    assert (s["received"], s["answered"], s["within_target"]) == summary[:3]
    assert s["median_first_seconds"] == pytest.approx(summary[3])
    assert s["p90_first_seconds"] == pytest.approx(summary[4])
    assert s["breaches"] == summary[5]
    assert [(r["weekday"], r["hour"], r["received"]) for r in board.heatmap] == heatmap
    assert [(r["day"], r["received"], r["median_first_seconds"]) for r in board.trend] == [
        (day, count, pytest.approx(median) if median is not None else None) for day, count, median in trend
    ]
    assert sum(r["received"] for r in board.channels) == s["received"]


def test_dashboard_takes_eight_queries_whatever_the_data(brand, agent, django_assert_num_queries):
    x = channel(brand)
    for n in range(3):
        reply(conversation(x, received=at(23, 10 + n)), at=at(23, 12), by=agent)
    # Seven for the clock's figures and lists, one for the items to review, which run no clock.
    with django_assert_num_queries(8):
        board_for(brand)
    for n in range(30):
        conversation(x, received=at(24, 8) + timedelta(minutes=n))
    with django_assert_num_queries(8):
        board_for(brand)


def test_page_shows_figures_and_refreshes_with_constant_queries(client, brand, supervisor, agent, office_week):
    client.login(username="supervisor", password=PASSWORD)
    url = reverse("inbox:dashboard") + "?start=2026-11-16&end=2026-11-24"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-figure="received">6<' in page
    assert "<svg" in page and "Recommended check-in times" in page
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and b"<html" not in partial.content


def test_csv_export_of_every_table_escapes_formulas(client, brand, supervisor, agent):
    x = channel(brand)
    convo = conversation(x, received=at(23, 10))
    Conversation.objects.filter(pk=convo.pk).update(subject='=HYPERLINK("http://evil")')
    client.login(username="supervisor", password=PASSWORD)
    base = reverse("inbox:dashboard") + "?start=2026-11-16&end=2026-11-30&export="
    for table in ("summary", "breaches", "backlog", "unanswered", "agents", "channels", "heatmap", "trend"):
        response = client.get(base + table)
        assert response.status_code == 200, table
        assert response["Content-Type"].startswith("text/csv")
    unanswered = client.get(base + "unanswered").content.decode()
    assert "'=HYPERLINK" in unanswered and ",=HYPERLINK" not in unanswered
    assert client.get(base + "nope").status_code == 400


def test_agents_cannot_see_the_dashboard_and_brands_stay_apart(client, brand, agent, supervisor):
    client.login(username="agent", password=PASSWORD)
    assert client.get(reverse("inbox:dashboard")).status_code == 403
    assert client.get("/api/v1/sla/summary").status_code == 403
    other = add_brand(slug="other", name="Other")
    stranger = create_user(username="stranger", password=PASSWORD, role=Role.SUPERVISOR)
    add_member(brand=other, user=stranger)
    client.login(username="stranger", password=PASSWORD)
    assert client.get(reverse("inbox:dashboard") + "?brand=acme").status_code == 400
    assert client.get("/api/v1/sla/summary?brand=acme").status_code == 404
    assert client.get("/api/v1/sla/summary?brand=other").json()["brand"] == "other"
    client.logout()
    assert client.get(reverse("inbox:dashboard")).status_code == 302
    assert client.get("/api/v1/sla/summary").status_code in (401, 403)


def test_api_matches_the_selector_with_token_auth(client, brand, supervisor, office_week):
    from accounts.tokens import create_token

    _, token = create_token(user=supervisor)
    response = client.get(
        "/api/v1/sla/summary?start=2026-11-16&end=2026-11-24", headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 200
    body = response.json()
    filters = DashboardFilters(brand=brand, start=date(2026, 11, 16), end=date(2026, 11, 24))
    expected = dashboard(filters).summary  # the API measures against the real clock, as this does
    assert body["summary"]["received"] == expected["received"] == 6
    assert body["summary"]["within_target_share"] == expected["within_target_share"]
    assert body["time_zone"] == "America/Los_Angeles"
    assert len(body["heatmap"]) == 6


def test_team_filter_keeps_its_members_clocks_on_page_and_api(client, brand, agent, supervisor, office_week):
    from brands.models import Team

    night = Team.objects.create(brand=brand, name="Night shift")
    night.members.add(supervisor)  # answered nothing in the office week
    day = Team.objects.create(brand=brand, name="Day shift")
    day.members.add(agent)
    elsewhere = Team.objects.create(brand=add_brand(slug="other", name="Other"), name="Theirs")
    Conversation.objects.filter(pk=office_week["waiting"].pk).update(assignee=supervisor)
    client.login(username="supervisor", password=PASSWORD)
    api = "/api/v1/sla/summary?start=2026-11-16&end=2026-11-24&team="
    # The night shift's only clock is the one waiting while assigned to its member; the day shift answered four.
    assert client.get(api + str(night.pk)).json()["summary"]["received"] == 1
    day_summary = client.get(api + str(day.pk)).json()["summary"]
    assert (day_summary["received"], day_summary["answered"]) == (4, 4)
    assert client.get(api + str(elsewhere.pk)).status_code == 400
    page = client.get(reverse("inbox:dashboard") + f"?start=2026-11-16&end=2026-11-24&team={day.pk}")
    assert page.status_code == 200
    assert 'data-figure="received">4<' in page.content.decode()
    assert f'<option value="{day.pk}" selected>Day shift</option>' in page.content.decode()


def test_unanswered_and_breach_rows_open_their_conversation(client, brand, supervisor, office_week):
    client.login(username="supervisor", password=PASSWORD)
    page = client.get(reverse("inbox:dashboard") + "?start=2026-11-16&end=2026-11-24").content.decode()

    unanswered, breaches = page.split('id="unanswered"')[1].split('id="breaches"')

    def opens(name: str) -> str:
        return f'href="{reverse("inbox:conversation", args=[office_week[name].pk])}"'

    assert opens("waiting") in unanswered
    assert opens("late") in breaches and opens("waiting") in breaches
