"""The monitored-query API: admins only, own brands only, bad queries refused with position and reason."""

import pytest

from brands.services import add_brand
from monitoring.queries.models import MonitoredQuery
from monitoring.queries.services import add_query
from tests.api.helpers import TokenClient

pytestmark = pytest.mark.django_db

API = "/api/v1/queries/"


@pytest.fixture
def admin_api(admin_user):
    return TokenClient(admin_user)


def test_agents_supervisors_and_strangers_are_refused(client, agent, supervisor) -> None:
    assert client.get(API).status_code == 401
    for user in (agent, supervisor):
        response = TokenClient(user).get(API)
        assert response.status_code == 403
        assert "admin role" in response.json()["detail"]


def test_adding_a_query_returns_its_compiled_x_search(admin_api, brand) -> None:
    response = admin_api.post(API, {"brand": "acme", "name": "Outage", "query": 'outage OR "card declined" -test'})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["brand"] == "acme" and body["enabled"] is True
    assert body["x_searches"] and all("outage" in search for search in body["x_searches"])
    assert MonitoredQuery.objects.get(pk=body["id"]).query == 'outage OR "card declined" -test'


def test_a_bad_query_is_refused_with_position_and_reason(admin_api, brand) -> None:
    response = admin_api.post(API, {"brand": "acme", "name": "Bad", "query": "outage ("})
    assert response.status_code == 400
    assert "column 8" in response.json()["query"][0]
    assert not MonitoredQuery.objects.exists()


def test_same_name_twice_and_unknown_channel_are_field_errors(admin_api, brand) -> None:
    add_query(brand=brand, name="Outage", query="outage")
    response = admin_api.post(API, {"brand": "acme", "name": "Outage", "query": "down"})
    assert response.status_code == 400
    assert "already exists" in str(response.json())
    response = admin_api.post(API, {"brand": "acme", "name": "Scoped", "query": "down", "channels": ["myspace"]})
    assert response.status_code == 400
    assert "channels" in response.json()


def test_another_brands_queries_are_invisible_and_untouchable(admin_api, brand) -> None:
    other = add_brand(slug="other", name="Other Brand")
    theirs = add_query(brand=other, name="Secret", query="secret")
    ours = add_query(brand=brand, name="Ours", query="coffee")
    assert [row["name"] for row in admin_api.get(API).json()] == ["Ours"]
    assert admin_api.get(f"{API}{theirs.pk}/").status_code == 404
    assert admin_api.delete(f"{API}{theirs.pk}/").status_code == 404
    response = admin_api.post(API, {"brand": "other", "name": "Sneaky", "query": "x"})
    assert response.status_code == 400 and "brand" in response.json()
    assert admin_api.get(f"{API}{ours.pk}/").json()["query"] == "coffee"


def test_changing_and_deleting_a_query(admin_api, brand) -> None:
    query = add_query(brand=brand, name="Outage", query="outage")
    response = admin_api.client.patch(
        f"{API}{query.pk}/", {"query": "outage OR down"}, content_type="application/json", headers=admin_api.headers
    )
    assert response.status_code == 200, response.json()
    assert response.json()["query"] == "outage OR down"
    response = admin_api.client.patch(
        f"{API}{query.pk}/", {"query": '"never closed'}, content_type="application/json", headers=admin_api.headers
    )
    assert response.status_code == 400
    query.refresh_from_db()
    assert query.query == "outage OR down"
    assert admin_api.delete(f"{API}{query.pk}/").status_code == 204
    assert not MonitoredQuery.objects.exists()


@pytest.mark.parametrize("size", [1, 6])
def test_list_runs_a_fixed_number_of_queries(admin_api, brand, django_assert_num_queries, size) -> None:
    for n in range(size):
        add_query(brand=brand, name=f"Query {n}", query=f"word{n}")
    with django_assert_num_queries(3):  # token with its user, groups (role), queries with their brands
        response = admin_api.get(API)
    assert len(response.json()) == size


def test_a_brand_slug_with_a_nul_byte_is_a_400_not_a_500(admin_api, brand):
    answer = admin_api.post(API, {"brand": "\x00", "name": "n", "query": "coffee"})
    assert answer.status_code == 400
    assert "brand" in answer.json()
