"""The responses pages: supervisors and admins only, scoped to their brands, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.services import create_user
from brands.services import add_brand, add_member
from inbox.models import Direction, Message
from responses.models import ApprovalStatus, Offer, ReplyApproval, ResponseSettings, SavedReply
from responses.services import add_saved_reply
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer, send

SUPERVISOR_PAGES = ["responses:replies", "responses:reply-add", "responses:offers", "responses:offer-add"]


@pytest.mark.parametrize("page", [*SUPERVISOR_PAGES, "responses:approvals"])
def test_agents_are_refused_and_supervisors_see_the_page(client, agent, supervisor, page):
    client.force_login(agent)
    assert client.get(reverse(page)).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse(page)).status_code == 200


def test_another_brands_saved_reply_offer_and_rules_do_not_exist_for_a_supervisor(client, supervisor):
    globex = add_brand(slug="globex", name="Globex")
    theirs = add_saved_reply(brand=globex, title="Hi", text="Hi")
    offer = pooled_offer(globex, "A")
    client.force_login(supervisor)
    assert client.get(reverse("responses:reply-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("responses:reply-delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("responses:offer-edit", args=[offer.pk])).status_code == 404
    assert client.get(reverse("responses:rules", args=[globex.pk])).status_code == 404
    assert "Hi" not in client.get(reverse("responses:replies")).content.decode().split("<tbody>")[1]


def test_the_list_searches_title_and_text_escaped_with_usage_in_fixed_queries(
    client, supervisor, brand, django_assert_num_queries
):
    for n in range(30):
        add_saved_reply(brand=brand, title=f"Reply {n}", text=f"text {n}", language="en" if n % 2 else "es")
    add_saved_reply(brand=brand, title="<b>Refund</b>", text="Your refund is on its way")
    client.force_login(supervisor)
    client.get(reverse("responses:replies"))
    with django_assert_num_queries(6):  # session, user, its role groups, count, page, brands for the rules links
        body = client.get(reverse("responses:replies"), {"q": "refund"}).content.decode()
    assert "&lt;b&gt;Refund&lt;/b&gt;" in body and "Reply 1<" not in body


def test_saving_a_reply_with_an_unknown_variable_shows_where(client, supervisor, brand):
    client.force_login(supervisor)
    response = client.post(
        reverse("responses:reply-add"),
        {"brand": brand.pk, "title": "Hi", "language": "EN", "category": "answer", "text": "Hi {name}!"},
    )
    assert response.status_code == 200
    assert "Unknown variable {name} at character 4" in response.content.decode()
    assert not SavedReply.objects.exists()
    client.post(
        reverse("responses:reply-add"),
        {"brand": brand.pk, "title": "Hi", "language": "EN", "category": "answer", "text": "Hi {author_name}!"},
    )
    assert SavedReply.objects.get().language == "en"


def test_an_offer_is_added_in_the_app_from_a_csv_and_bad_codes_store_nothing(client, supervisor, brand):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supervisor)
    fields = {"brand": brand.pk, "name": "Latte", "message": "Code: {offer_code}", "per_customer_window_days": 30}
    bad = SimpleUploadedFile("codes.csv", b"code\nA\nA\n", content_type="text/csv")
    response = client.post(reverse("responses:offer-add"), fields | {"codes_file": bad})
    assert "Line 3 of the CSV repeats the code" in response.content.decode()
    assert not Offer.objects.exists()
    good = SimpleUploadedFile("codes.csv", b"code\nA\nB\n", content_type="text/csv")
    assert client.post(reverse("responses:offer-add"), fields | {"codes_file": good}).status_code == 302
    assert list(Offer.objects.get().codes.values_list("code", flat=True).order_by("code")) == ["A", "B"]


def test_the_rules_page_marks_trainees_among_the_brands_members(client, supervisor, agent, brand):
    client.force_login(supervisor)
    url = reverse("responses:rules", args=[brand.pk])
    response = client.post(url, {"trainees": [agent.pk], "approval_words": "refund", "default_language": "en"})
    assert response.status_code == 302
    settings = ResponseSettings.objects.get(brand=brand)
    assert list(settings.trainees.all()) == [agent] and settings.listed_words == ["refund"]


def test_a_supervisor_edits_and_approves_from_the_queue_and_the_agent_sees_it(client, agent, supervisor, brand):
    ResponseSettings.objects.create(brand=brand).trainees.add(agent)
    conv = conversation(account(brand), text="<script>alert(1)</script>")
    held = send(agent, conv, "Thanks!").approval
    client.force_login(supervisor)
    queue = client.get(reverse("responses:approvals")).content.decode()
    assert "agent is in training" in queue and "<script>alert" not in queue

    client.post(reverse("responses:approval-decide", args=[held.pk]), {"decision": "approve", "text": "Thank you!"})

    reply = Message.objects.get(direction=Direction.OUTBOUND)
    assert reply.text == "Thank you!"
    client.force_login(agent)
    status = client.get(reverse("responses:approval-status", args=[held.pk])).content.decode()
    assert 'data-status="approved"' in status and "by supervisor" in status


def test_a_rejection_reason_reaches_the_agent_and_another_brand_cannot_decide(client, agent, supervisor, brand):
    ResponseSettings.objects.create(brand=brand).trainees.add(agent)
    held = send(agent, conversation(account(brand)), "Whatever").approval
    outsider = create_user(username="boss2", password="x-long-password-1", role=Role.SUPERVISOR)
    add_member(brand=add_brand(slug="globex", name="Globex"), user=outsider)
    client.force_login(outsider)
    decide = reverse("responses:approval-decide", args=[held.pk])
    assert client.post(decide, {"decision": "reject", "reason": "no"}).status_code == 404
    assert client.get(reverse("responses:approval-status", args=[held.pk])).status_code == 404
    client.force_login(supervisor)
    client.post(decide, {"decision": "reject", "reason": "Too curt"})
    held.refresh_from_db()
    assert held.status == ApprovalStatus.REJECTED
    client.force_login(agent)
    assert "Too curt" in client.get(reverse("responses:approval-status", args=[held.pk])).content.decode()
    assert ReplyApproval.objects.count() == 1


@pytest.mark.parametrize("size", [1, 15])
def test_the_approval_queue_and_the_offers_run_a_fixed_number_of_queries(
    client, agent, supervisor, brand, django_assert_num_queries, size
):
    ResponseSettings.objects.create(brand=brand).trainees.add(agent)
    for n in range(size):
        send(agent, conversation(account(brand)), f"Reply {n}")
        pooled_offer(brand, f"C{n}", name=f"Offer {n}")
    client.force_login(supervisor)
    # Session, user with its role groups (read once, for the guard and the menu), the page's count and rows.
    with django_assert_num_queries(5):
        assert client.get(reverse("responses:approvals")).content.decode().count('data-testid="approval"') == size
    with django_assert_num_queries(5):
        assert client.get(reverse("responses:offers")).status_code == 200
