"""`manage.py offers add|list`: codes from a CSV, generated or shared; bad input stores nothing and exits non-zero."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from responses.models import Offer, OfferCode


def offers(*args: str) -> str:
    out = StringIO()
    call_command("offers", *args, stdout=out)
    return out.getvalue()


def test_codes_from_a_csv_become_single_use_codes_and_the_list_shows_them_with_limits(brand, tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("code,note\nSORRY-1,first\nSORRY-2,\n", encoding="utf-8")
    said = offers("add", "--brand", "acme", "--name", "Latte", "--codes-file", str(codes), "--per-agent-daily", "3")
    assert "Added offer 'Latte' to acme with 2 single-use codes." in said
    offers(
        "add", "--brand", "acme", "--name", "Ten off", "--shared-code", "TENOFF", "--per-customer", "1", "--expires",
        "2027-01-31",
    )  # fmt: skip
    assert offers("list", "--brand", "acme").splitlines() == [
        "Latte\t2 codes left\t3/agent/day, no customer limit, no budget, no expiry",
        "Ten off\tshared code\tno agent limit, 1/customer/30d, no budget, expires 2027-01-31",
    ]


def test_generated_codes_carry_the_prefix_and_are_distinct(brand):
    offers("add", "--brand", "acme", "--name", "Sorry", "--generate", "50", "--prefix", "OOPS-")
    codes = list(OfferCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == 50 and all(code.startswith("OOPS-") and len(code) == 13 for code in codes)


@pytest.mark.parametrize(
    ("csv_text", "error"),
    [
        ("code,note\nA,x\n ,y\n", "Line 3 of the CSV has an empty code."),
        ("code\nA\nB\nA\n", "Line 4 of the CSV repeats the code 'A' of line 2."),
        ("coupon\nA\n", "The CSV has no `code` column"),
        ("code\n", "The CSV holds no codes."),
    ],
)
def test_a_bad_codes_file_is_a_clear_error_and_nothing_is_stored(brand, tmp_path, csv_text, error):
    codes = tmp_path / "codes.csv"
    codes.write_text(csv_text, encoding="utf-8")
    with pytest.raises(CommandError, match=error.replace("(", r"\(").replace("`", "`")):
        offers("add", "--brand", "acme", "--name", "Latte", "--codes-file", str(codes))
    assert not Offer.objects.exists() and not OfferCode.objects.exists()


def test_an_unknown_brand_or_a_repeated_name_is_refused(brand):
    with pytest.raises(CommandError, match="No brand with the slug 'nope'"):
        offers("add", "--brand", "nope", "--name", "Latte", "--shared-code", "X")
    offers("add", "--brand", "acme", "--name", "Latte", "--shared-code", "X")
    with pytest.raises(CommandError, match="already exists"):
        offers("add", "--brand", "acme", "--name", "Latte", "--generate", "2", "--prefix", "P-")
    assert OfferCode.objects.count() == 0 and Offer.objects.count() == 1


def test_generating_without_a_prefix_is_refused(brand):
    with pytest.raises(CommandError, match="need a prefix"):
        offers("add", "--brand", "acme", "--name", "Latte", "--generate", "2")
    assert not Offer.objects.exists()


def test_the_command_exits_non_zero_on_bad_input(db):
    # The test database, whether the server listens on a port or (embedded) on a socket folder.
    url = (
        urllib.parse.urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "offers", "add", "--brand", "nope", "--name", "X", "--shared-code", "Y"],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"DATABASE_URL": url},
    )
    assert done.returncode != 0
    assert "No brand with the slug 'nope'" in done.stderr
