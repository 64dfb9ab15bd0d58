"""Setup pages for queries: admins only, brand-scoped, bad queries explained, preview escaped."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand
from monitoring.queries.models import MonitoredQuery
from monitoring.queries.services import add_query
from tests.conftest import PASSWORD
from tests.monitoring.factories import ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_agents_and_supervisors_cannot_open_query_setup(client, agent, supervisor) -> None:
    for user in (agent, supervisor):
        client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("monitoring:queries")).status_code == 403
        assert client.post(reverse("monitoring:query-preview"), {"query": "x"}).status_code == 403


def test_list_shows_only_the_admins_brands_in_fixed_queries(admin_client, brand, django_assert_num_queries) -> None:
    other = add_brand(slug="other", name="Other Brand")
    add_query(brand=other, name="Secret", query="secret")
    for n in range(5):
        add_query(brand=brand, name=f"Query {n}", query=f"coffee{n}")
    with django_assert_num_queries(4):  # session, user, its groups (every role check), queries with brands
        page = admin_client.get(reverse("monitoring:queries")).content.decode()
    assert "Query 4" in page
    assert "Secret" not in page


def test_another_brands_query_cannot_be_edited_or_previewed(admin_client) -> None:
    other = add_brand(slug="other", name="Other Brand")
    query = add_query(brand=other, name="Secret", query="secret")
    assert admin_client.get(reverse("monitoring:query-edit", args=[query.pk])).status_code == 404
    response = admin_client.post(reverse("monitoring:query-preview"), {"brand": other.pk, "query": "secret"})
    assert response.status_code == 404


def test_saving_a_bad_query_shows_position_and_reason(admin_client, brand) -> None:
    response = admin_client.post(
        reverse("monitoring:query-add"), {"brand": brand.pk, "name": "Bad", "query": '"cold brew', "enabled": "on"}
    )
    assert response.status_code == 200
    assert "column 1: quotation mark is never closed" in response.content.decode()
    assert not MonitoredQuery.objects.exists()


def test_saving_a_good_query(admin_client, brand) -> None:
    response = admin_client.post(
        reverse("monitoring:query-add"),
        {"brand": brand.pk, "name": "Coffee", "query": "kava OR coffee", "languages": "lt", "enabled": "on"},
    )
    assert response.status_code == 302
    assert MonitoredQuery.objects.get().languages == ["lt"]


def test_preview_counts_matches_and_escapes_examples(admin_client, brand) -> None:
    ingest(brand, "<script>alert(1)</script> coffee", "coffee again", "tea")
    response = admin_client.post(reverse("monitoring:query-preview"), {"brand": brand.pk, "query": "coffee"})
    page = response.content.decode()
    assert "<strong>2</strong> of 3 mentions" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; coffee" in page
    assert "<code>coffee -is:retweet</code>" in page


def test_preview_of_a_bad_query_points_at_the_error(admin_client, brand) -> None:
    response = admin_client.post(reverse("monitoring:query-preview"), {"brand": brand.pk, "query": "coffee OR"})
    assert "Column 8: dangling operator OR" in response.content.decode()


def test_django_admin_rejects_a_bad_query(client, brand) -> None:
    superuser = create_user(username="root", password=PASSWORD, role=Role.ADMIN)
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    client.login(username=superuser.username, password=PASSWORD)
    response = client.post(
        reverse("admin:monitoring_monitoredquery_add"),
        {"brand": brand.pk, "name": "Bad", "query": "coffee ()", "languages": "", "channels": "", "enabled": "on"},
    )
    assert response.status_code == 200
    assert "column 8: empty parentheses" in response.content.decode()
