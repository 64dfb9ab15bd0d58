"""The check-in schedule page: admins add and remove shifts of their brands' members; gaps are listed."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand
from monitoring.checkins.models import CoverageGap, Shift
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_agents_cannot_open_the_schedule(client, agent) -> None:
    client.login(username=agent.username, password=PASSWORD)
    assert client.get(reverse("monitoring:schedule")).status_code == 403
    assert client.post(reverse("monitoring:schedule"), {}).status_code == 403


def test_adding_a_night_shift_shows_it_in_the_persons_time_zone(admin_client, brand, agent) -> None:
    agent.time_zone = "Europe/Vilnius"
    agent.save()
    response = admin_client.post(
        reverse("monitoring:schedule"),
        {"brand": brand.pk, "user": agent.pk, "weekday": 4, "starts_at": "22:00", "ends_at": "06:00"},
    )
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert (shift.user, shift.weekday) == (agent, 4)
    page = admin_client.get(reverse("monitoring:schedule")).content.decode()
    assert "Friday" in page and "22:00\N{EN DASH}06:00 (next day)" in page and "Europe/Vilnius" in page


def test_a_shift_needs_a_member_of_the_brand_and_a_length(admin_client, brand, agent) -> None:
    other = add_brand(slug="other", name="Other Brand")
    outsider = create_user(username="outsider", password=PASSWORD, role=Role.AGENT)
    other.members.add(outsider)
    response = admin_client.post(
        reverse("monitoring:schedule"),
        {"brand": brand.pk, "user": outsider.pk, "weekday": 0, "starts_at": "09:00", "ends_at": "17:00"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = admin_client.post(
        reverse("monitoring:schedule"),
        {"brand": brand.pk, "user": agent.pk, "weekday": 0, "starts_at": "09:00", "ends_at": "09:00"},
    )
    assert response.status_code == 400
    assert "A shift needs a length" in response.content.decode()
    assert not Shift.objects.exists()


def test_removing_a_shift_only_of_ones_own_brands(admin_client, brand, agent) -> None:
    other = add_brand(slug="other", name="Other Brand")
    outsider = create_user(username="outsider", password=PASSWORD, role=Role.AGENT)
    theirs = Shift.objects.create(brand=other, user=outsider, weekday=0, starts_at="09:00", ends_at="17:00")
    ours = Shift.objects.create(brand=brand, user=agent, weekday=0, starts_at="09:00", ends_at="17:00")
    assert admin_client.post(reverse("monitoring:shift-delete", args=[theirs.pk])).status_code == 404
    assert admin_client.post(reverse("monitoring:shift-delete", args=[ours.pk])).status_code == 302
    assert list(Shift.objects.all()) == [theirs]


def test_uncovered_stretches_and_empty_states(admin_client, brand) -> None:
    page = admin_client.get(reverse("monitoring:schedule")).content.decode()
    assert "No shifts yet" in page and "No mention has arrived while nobody was on shift." in page
    CoverageGap.objects.create(
        brand=brand, first_mention_at="2026-11-21T02:00Z", last_mention_at="2026-11-21T03:10Z", mention_count=7
    )
    page = admin_client.get(reverse("monitoring:schedule")).content.decode()
    assert "2026-11-21" in page and "<td>7</td>" in page
