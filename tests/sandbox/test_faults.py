"""Injected faults: deterministic with a seed, counted, and shaped as the platforms' own failures."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox import services
from sandbox.selectors import injected_faults, malformed_item_ids
from tests.sandbox.clients import x_client


@pytest.fixture
def brand_x(transactional_db: None) -> services.XCredentials:
    return services.create_x_account(username="acme")


def _statuses(session: requests.Session, url: str, count: int) -> list[int]:
    return [session.get(url).status_code for _ in range(count)]


def test_same_seed_gives_the_same_faults_and_the_log_counts_them(sandbox_url, brand_x):
    services.post_mention(brand="acme", text="hello", author="ana")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {brand_x.bearer_token}"
    url = f"{sandbox_url}/x/2/users/{brand_x.user_id}/mentions"

    services.set_faults(rate_500=0.3, rate_429=0.2, seed=7)
    first = _statuses(session, url, 30)
    counted = injected_faults()
    services.set_faults(rate_500=0.3, rate_429=0.2, seed=7)
    second = _statuses(session, url, 30)
    services.set_faults(rate_500=0.3, rate_429=0.2, seed=8)
    other = _statuses(session, url, 30)

    assert first == second
    assert first != other
    assert counted["500"] == first.count(500) > 0
    assert counted["429"] == first.count(429) > 0
    assert first.count(200) == 30 - counted["500"] - counted["429"]


def test_rate_limit_fault_answers_429_with_reset_header(sandbox_url, brand_x):
    services.set_faults(rate_429=1.0, reset_seconds=40)
    response = requests.get(
        f"{sandbox_url}/x/2/users/{brand_x.user_id}/mentions",
        headers={"Authorization": f"Bearer {brand_x.bearer_token}"},
        timeout=10,
    )

    assert response.status_code == 429
    assert response.json()["title"] == "Too Many Requests"
    assert response.headers["x-rate-limit-remaining"] == "0"
    assert int(response.headers["x-rate-limit-reset"]) >= int(time.time()) + 35


def test_slow_answer_makes_a_client_time_out(sandbox_url, brand_x):
    services.set_faults(rate_timeout=1.0, slow_seconds=1.5)

    with pytest.raises(requests.Timeout):
        requests.get(f"{sandbox_url}/x/2/users/{brand_x.user_id}/mentions", timeout=0.3)

    assert injected_faults()["timeout"] == 1


def test_malformed_items_sit_inside_a_valid_page_and_are_listed(sandbox_url, brand_x):
    posted = [services.post_mention(brand="acme", text=f"n{n}", author="ana") for n in range(40)]
    services.set_faults(rate_malformed=0.25, seed=3)
    client = x_client(sandbox_url, brand_x, return_type=dict)

    body = client.get_users_mentions(brand_x.user_id, max_results=100, tweet_fields=["created_at"])

    broken = [item for item in body["data"] if "id" not in item or item["created_at"].startswith("2024-13")]
    assert len(body["data"]) == body["meta"]["result_count"] == 40
    assert 0 < len(broken) == len(malformed_item_ids()) < 40
    assert malformed_item_ids() <= {str(tweet.id) for tweet in posted}


def test_duplicate_fault_repeats_the_previous_pages_last_item(sandbox_url, brand_x):
    for n in range(10):
        services.post_mention(brand="acme", text=f"n{n}", author="ana")
    client = x_client(sandbox_url, brand_x, return_type=dict)
    first = client.get_users_mentions(brand_x.user_id, max_results=5)
    services.set_faults(rate_duplicate=1.0)

    second = client.get_users_mentions(brand_x.user_id, max_results=5, pagination_token=first["meta"]["next_token"])

    assert second["data"][0]["id"] == first["data"][-1]["id"]
    assert injected_faults()["duplicate"] == 1


def test_fault_rates_are_validated():
    with pytest.raises(ValueError, match="between 0 and 1"):
        services.set_faults(rate_500=0.7, rate_429=0.5)


def test_graph_pages_carry_malformed_and_repeated_comments(sandbox_url, transactional_db):
    from tests.sandbox.clients import graph

    page = services.create_facebook_page(name="Acme", username="acme")
    post = services.publish_page_post(page_id=page.page_id, message="hello")
    comments = [services.post_comment(on=post.graph_id, message=f"c{n}", author=f"P{n}") for n in range(30)]
    api = graph(sandbox_url, page.page_token)
    services.set_faults(rate_malformed=0.2, rate_duplicate=1.0, seed=5)

    first = api.request(f"v21.0/{post.graph_id}/comments", {"limit": 15})
    second = api.request(f"v21.0/{post.graph_id}/comments", {"limit": 15, "after": first["paging"]["cursors"]["after"]})

    items = first["data"] + second["data"]
    broken = [c for c in items if "id" not in c or c["created_time"].startswith("2024-13")]
    assert len({c["message"] for c in items}) == 29  # the last comment of page one comes again on page two
    assert second["data"][0] == first["data"][-1]
    assert 0 < len({c.get("message") for c in broken}) == len(malformed_item_ids())
    assert malformed_item_ids() <= {str(c.id) for c in comments}
    assert injected_faults()["duplicate"] == 1


def test_server_errors_still_carry_rate_limit_headers(sandbox_url, brand_x):
    services.set_faults(rate_500=1.0)
    response = requests.get(
        f"{sandbox_url}/x/2/users/{brand_x.user_id}/mentions",
        headers={"Authorization": f"Bearer {brand_x.bearer_token}"},
        timeout=10,
    )

    assert response.status_code == 500
    assert response.json()["status"] == 500
    assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(response.headers)
