"""`manage.py sla set|due|show`: scripted policies and the due-time preview, with clear errors."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inbox.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("sla", *args, stdout=out)
    return out.getvalue().strip()


def test_friday_afternoon_is_due_monday_morning_in_the_audience_zone(brand):
    run("set", "--brand", "acme", "--target-minutes", "30", "--hours", "mon-fri 09:00-17:00")
    assert run("due", "--brand", "acme", "--received", "2026-11-20T16:45") == "2026-11-23T09:15:00-08:00"
    # An explicit offset is honoured: 16:45 UTC is 08:45 in Los Angeles, due 09:30 there.
    assert run("due", "--brand", "acme", "--received", "2026-11-20T16:45+00:00") == "2026-11-20T09:30:00-08:00"


def test_several_hours_and_holidays_are_stored_and_shown(brand):
    out = run(
        "set", "--brand", "acme", "--target-minutes", "60",
        "--hours", "mon-fri 09:00-12:00", "--hours", "mon-fri 13:00-17:00", "--hours", "sat 10:00-14:00",
        "--holiday", "2026-12-25",
    )  # fmt: skip
    assert "mon-fri 09:00-12:00; mon-fri 13:00-17:00; sat 10:00-14:00" in out
    assert "holidays 2026-12-25" in out
    policy = SlaPolicy.objects.get()
    assert len(policy.shifts) == 11
    assert run("due", "--brand", "acme", "--received", "2026-12-24T11:30") == "2026-12-24T13:30:00-08:00"
    assert run("due", "--brand", "acme", "--received", "2026-12-24T16:30") == "2026-12-26T10:30:00-08:00"
    brand.refresh_from_db()
    assert brand.first_response_target_minutes == 60


def test_no_hours_means_around_the_clock(brand):
    run("set", "--brand", "acme", "--target-minutes", "30")
    assert run("due", "--brand", "acme", "--received", "2026-11-21T23:50") == "2026-11-22T00:20:00-08:00"
    assert "hours 24/7" in run("show", "--brand", "acme")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["set", "--brand", "nope"], "No brand 'nope'"),
        (["set", "--brand", "acme", "--hours", "mon-fry 09:00-17:00"], "'fry' is not a day"),
        (["set", "--brand", "acme", "--hours", "mon 17:00"], "is not a time range"),
        (["set", "--brand", "acme", "--holiday", "25.12.2026"], "is not a date"),
        (["set", "--brand", "acme", "--target-minutes", "0"], "first_response_minutes"),
        (["due", "--brand", "acme", "--received", "friday"], "is not an ISO 8601 time"),
    ],
)
def test_errors_say_what_is_wrong(brand, args, problem):
    with pytest.raises(CommandError, match=problem):
        run(*args)
