"""Alert-rule setup pages: admins only, brand-scoped, conditions required, the webhook key write-only."""

import pytest
from django.urls import reverse

from brands.services import add_brand
from monitoring.alerts.models import AlertChannel, AlertDelivery, AlertRule, DeliveryState
from monitoring.alerts.secrets import decrypt_secret
from monitoring.queries.services import add_query
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def _form(brand, **changes):
    data = {
        "brand": brand.pk,
        "name": "Angry customers",
        "enabled": "on",
        "negative_sentiment": "on",
        "notify_in_app": "on",
        "spike_window_minutes": 15,
        "throttle_minutes": 15,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_agents_and_supervisors_cannot_open_alert_setup(client, agent, supervisor) -> None:
    for user in (agent, supervisor):
        client.login(username=user.username, password=PASSWORD)
        assert client.get(reverse("monitoring:alerts")).status_code == 403
        assert client.get(reverse("monitoring:alert-add")).status_code == 403


def test_adding_a_rule_with_query_email_and_signed_webhook(admin_client, brand) -> None:
    query = add_query(brand=brand, name="Outage", query="outage")
    response = admin_client.post(
        reverse("monitoring:alert-add"),
        _form(
            brand,
            queries=[query.pk],
            sla_kinds=["breached"],
            email_recipients="oncall@example.com, lead@example.com",
            webhook_url="https://hooks.example.com/promptly",
            webhook_secret="s3cret-key",
        ),
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert list(rule.queries.all()) == [query]
    assert rule.sla_kinds == ["breached"]
    assert rule.recipients() == ["oncall@example.com", "lead@example.com"]
    assert rule.encrypted_webhook_secret != "s3cret-key"
    assert decrypt_secret(rule.encrypted_webhook_secret) == "s3cret-key"
    edit_page = admin_client.get(reverse("monitoring:alert-edit", args=[rule.pk])).content.decode()
    assert "s3cret-key" not in edit_page
    assert rule.encrypted_webhook_secret not in edit_page


def test_editing_without_a_new_key_keeps_the_old_one_and_clearing_removes_it(admin_client, brand) -> None:
    admin_client.post(
        reverse("monitoring:alert-add"), _form(brand, webhook_url="https://h.example/x", webhook_secret="k1")
    )
    rule = AlertRule.objects.get()
    admin_client.post(reverse("monitoring:alert-edit", args=[rule.pk]), _form(brand, webhook_url="https://h.example/x"))
    rule.refresh_from_db()
    assert decrypt_secret(rule.encrypted_webhook_secret) == "k1"
    admin_client.post(
        reverse("monitoring:alert-edit", args=[rule.pk]),
        _form(brand, webhook_url="https://h.example/x", clear_webhook_secret="on"),
    )
    rule.refresh_from_db()
    assert rule.encrypted_webhook_secret == ""


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"negative_sentiment": None}, "Choose at least one condition"),
        ({"notify_in_app": None}, "Choose at least one way to deliver the alert"),
        ({"email_recipients": "oncall@example.com, not-an-address"}, "is not an e-mail address"),
        ({"quiet_hours_start": "22:00"}, "Set both ends of the quiet hours"),
        ({"spike_count": 1}, "greater than or equal to 2"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(admin_client, brand, changes, says) -> None:
    response = admin_client.post(reverse("monitoring:alert-add"), _form(brand, **changes))
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not AlertRule.objects.exists()


def test_another_brands_rules_and_queries_are_out_of_reach(admin_client, brand) -> None:
    other = add_brand(slug="other", name="Other Brand")
    foreign_query = add_query(brand=other, name="Secret", query="secret")
    foreign_rule = AlertRule.objects.create(brand=other, name="Theirs", negative_sentiment=True)
    assert admin_client.get(reverse("monitoring:alert-edit", args=[foreign_rule.pk])).status_code == 404
    response = admin_client.post(reverse("monitoring:alert-add"), _form(other))
    assert "Select a valid choice" in response.content.decode()
    response = admin_client.post(reverse("monitoring:alert-add"), _form(brand, queries=[foreign_query.pk]))
    assert "Select a valid choice" in response.content.decode()
    assert list(AlertRule.objects.values_list("name", flat=True)) == ["Theirs"]
    page = admin_client.get(reverse("monitoring:alerts")).content.decode()
    assert "Theirs" not in page
    assert "Secret" not in admin_client.get(reverse("monitoring:alert-add")).content.decode()


@pytest.mark.parametrize("size", [1, 4])
def test_list_shows_rules_and_the_alert_log_escaped_in_fixed_queries(
    admin_client, brand, django_assert_num_queries, size
) -> None:
    for n in range(size):
        rule = AlertRule.objects.create(brand=brand, name=f"Rule {n}", negative_sentiment=True)
        rule.queries.add(add_query(brand=brand, name=f"Query {n}", query=f"word{n}"))
        AlertDelivery.objects.create(
            rule=rule,
            channel=AlertChannel.WEBHOOK,
            state=DeliveryState.FAILED,
            reason="matched <script>alert(1)</script>",
            due_at="2026-11-23T10:00:00Z",
            attempts=5,
            last_error="HTTP 500 from receiver",
        )
    # session, user, its groups (read once for the role check and the navigation), rules, their queries, deliveries
    with django_assert_num_queries(6):
        page = admin_client.get(reverse("monitoring:alerts")).content.decode()
    assert f"Rule {size - 1}" in page and f"“Query {size - 1}”" in page
    assert "Failed after 5 attempts: HTTP 500 from receiver" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_empty_states_say_what_to_do(admin_client, brand) -> None:
    page = admin_client.get(reverse("monitoring:alerts")).content.decode()
    assert "No alert rules yet" in page
    assert "No alerts sent yet." in page
