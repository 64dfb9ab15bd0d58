"""`manage.py brands add|list` for scripted set-ups, with clear errors."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from brands.models import Brand


@pytest.mark.django_db
def test_brands_add_creates_a_brand_with_the_default_target():
    out = StringIO()
    call_command("brands", "add", "northwind", "--name", "Northwind", "--timezone", "Europe/Vilnius", stdout=out)
    brand = Brand.objects.get(slug="northwind")
    assert (brand.name, brand.audience_time_zone, brand.first_response_target_minutes) == (
        "Northwind",
        "Europe/Vilnius",
        120,
    )
    assert "Added brand northwind" in out.getvalue()


@pytest.mark.django_db
def test_brands_add_takes_a_target_and_lists_it():
    call_command("brands", "add", "acme", "--name", "Acme", "--target-minutes", "30", stdout=StringIO())
    out = StringIO()
    call_command("brands", "list", stdout=out)
    assert "acme\tAcme\tUTC\t30 min" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acme", "--name", "A", "--timezone", "Mars/Olympus"], "not a known IANA time zone"),
        (["Bad Slug", "--name", "A"], "slug"),
        (["acme", "--name", "A", "--target-minutes", "0"], "first_response_target_minutes"),
    ],
)
def test_brands_add_rejects_bad_input_with_the_reason(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("brands", "add", *args, stdout=StringIO())
    assert not Brand.objects.exists()


@pytest.mark.django_db
def test_brands_add_refuses_a_duplicate_slug():
    call_command("brands", "add", "acme", "--name", "Acme", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("brands", "add", "acme", "--name", "Other", stdout=StringIO())
