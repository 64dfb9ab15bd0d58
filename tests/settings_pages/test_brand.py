"""The brand page: its admins choose the crisis detector's sensitivity, which the detector then uses."""

from __future__ import annotations

from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from crisis.models import CrisisSettings
from crisis.services.sensitivity import sensitivity_of
from tests.conftest import PASSWORD


def brand_form(brand, **changes: str) -> dict[str, str]:
    """The page's fields as the admin sends them back, with some changed."""
    return {
        "name": brand.name,
        "audience_time_zone": brand.audience_time_zone,
        "default_language": brand.default_language,
        "first_response_target_minutes": str(brand.first_response_target_minutes),
        "holidays": "",
        "escalation": "none",
        "escalate_to": "",
        "crisis_sensitivity": "normal",
    } | changes


def test_an_admin_sets_the_crisis_sensitivity_on_the_brand_page(client, admin_user, brand):
    client.force_login(admin_user)
    url = reverse("settings:brand", args=[brand.slug])
    page = client.get(url).content.decode()
    assert "Crisis detection sensitivity" in page and '<option value="normal" selected>' in page

    assert client.post(url, brand_form(brand, crisis_sensitivity="high")).status_code == 302
    assert sensitivity_of(brand.pk) == "high"
    assert '<option value="high" selected>' in client.get(url).content.decode()


def test_a_sensitivity_that_is_not_one_of_the_three_is_refused_and_nothing_is_stored(client, admin_user, brand):
    client.force_login(admin_user)
    response = client.post(reverse("settings:brand", args=[brand.slug]), brand_form(brand, crisis_sensitivity="max"))
    assert response.status_code == 400
    assert "Select a valid choice. max is not one of the available choices." in response.content.decode()
    assert not CrisisSettings.objects.exists()


def test_only_the_brands_own_admins_change_it(client, supervisor, brand):
    client.force_login(supervisor)
    url = reverse("settings:brand", args=[brand.slug])
    assert client.post(url, brand_form(brand, crisis_sensitivity="low")).status_code == 403
    outsider = create_user(username="elsewhere", password=PASSWORD, role=Role.ADMIN)
    add_member(brand=add_brand(slug="other", name="Other"), user=outsider)
    client.force_login(outsider)
    assert client.post(url, brand_form(brand, crisis_sensitivity="low")).status_code == 404
    assert sensitivity_of(brand.pk) == "normal" and not CrisisSettings.objects.exists()
