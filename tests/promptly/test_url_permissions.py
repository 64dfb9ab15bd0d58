"""Every URL of the project, with who may use it, checked for six people; a URL missing here fails.

ACCESS lists each URL by its name (``namespace:name``; unnamed ones by their route) with the least role
that may use it, the method tried, the URL's arguments (objects of brand A) and whether it reaches
an object of one brand. Each person is asked in turn, each in a savepoint rolled back afterwards:

- anonymous; a member of brand A without a role; an agent, a supervisor and an admin of brand A;
- an admin of brand B only, who may use every page their role allows but no object of brand A.

"Allowed" is any answer but 401, 403, 404, 405 or, but for public URLs, a redirect to a login page (an
empty POST may well be a 400: the guard let it through). The sandbox's URLs (the pretend platforms, mounted only in
development) check the platforms' own tokens and are not listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import User
from accounts.roles import RANK, Role
from accounts.services import create_user
from brands.models import Brand
from brands.services import add_brand, add_member
from crisis.models import Incident
from inbox.models import BulkJob, Direction, QuarantinedItem, Tag
from monitoring.alerts.models import AlertRule
from monitoring.checkins.models import Shift
from monitoring.queries.services import add_query
from responses.models import Offer, ReplyApproval, SavedReply
from settings_pages.people import set_password_path
from tests.conftest import PASSWORD
from tests.inbox.factories import AccountFactory, MessageFactory, conversation_with_message

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed in"  # anyone signed in, with a role or without (their own things: tokens, the API's schema)
SIGNED = "signed"  # nobody by session: a signature (webhooks), a password or an API token is the authentication
SUPERUSER = "superuser"  # the Django admin
PERSONAS = ("anonymous", "member without role", "agent", "supervisor", "admin", "admin of another brand")
DENIED = (401, 403, 404, 405)


@dataclass
class World:
    brand: Brand
    people: dict[str, User | None]
    objects: dict[str, Any] = field(default_factory=dict)


Args = Callable[[World, User | None], dict[str, Any]]


@dataclass(frozen=True)
class Access:
    """Who may use a URL: at least `role` (or PUBLIC, SIGNED, SUPERUSER), tried with `method`."""

    role: Role | str
    method: str = "get"
    args: Args | None = None
    # The URL names an object of brand A: an admin of brand B must be refused it.
    scoped: bool | None = None
    # What to send (a POST that names a brand's object in its body rather than in the URL).
    data: Args | None = None

    @property
    def of_one_brand(self) -> bool:
        return self.scoped if self.scoped is not None else (self.args or self.data) is not None


def _obj(name: str, key: str = "pk") -> Args:
    return lambda world, person: {key: world.objects[name].pk}


def _conversation(world: World, person: User | None) -> dict[str, Any]:
    return {"conversation_id": world.objects["conversation"].pk}


def _conversation_author(world: World, person: User | None) -> dict[str, Any]:
    return {**_conversation(world, person), "author_id": world.objects["conversation"].author_id or 1}


def _tag(world: World, person: User | None) -> dict[str, Any]:
    return {"conversation_id": world.objects["conversation"].pk, "tag_id": world.objects["tag"].pk}


def _own_bulk_job(world: World, person: User | None) -> dict[str, Any]:
    """A bulk job belongs to whoever started it: each person asks for one of their own."""
    owner = person or world.people["agent"]
    assert owner is not None
    job = BulkJob.objects.create(user=owner, action="acknowledge", conversation_ids=[world.objects["conversation"].pk])
    return {"job_id": job.pk}


def _set_password_link(world: World, person: User | None) -> dict[str, Any]:
    link = set_password_path(world.objects["invited"])
    uid, token = link.rstrip("/").split("/")[-2:]
    return {"uidb64": uid, "token": token}


A, S, AD = Role.AGENT, Role.SUPERVISOR, Role.ADMIN

ACCESS: dict[str, Access] = {
    "home": Access(PUBLIC),  # a redirect to the inbox, which checks
    "login": Access(PUBLIC),
    "logout": Access(PUBLIC, "post"),
    "set-password": Access(PUBLIC, args=_set_password_link, scoped=False),  # the token is the authentication
    "healthz": Access(PUBLIC),
    "javascript-catalog": Access(PUBLIC),  # the interface's JavaScript strings, the same for everyone
    "admin:index": Access(SUPERUSER),
    "inbox:queue": Access(A),
    "inbox:rows": Access(A),
    "inbox:counts": Access(A),
    "inbox:shift": Access(A, "post"),
    "inbox:bulk": Access(A, "post"),
    "inbox:bulk_job": Access(A, args=_own_bulk_job, scoped=False),
    "inbox:conversation": Access(A, args=_conversation),
    "inbox:pane": Access(A, args=_conversation),
    "inbox:thread": Access(A, args=_conversation),
    "inbox:panel": Access(A, args=_conversation),
    "inbox:status": Access(A, "post", args=_conversation),
    "inbox:assign": Access(A, "post", args=_conversation),
    "inbox:tag": Access(A, "post", args=_conversation),
    "inbox:untag": Access(A, "post", args=_tag),
    "inbox:note": Access(A, "post", args=_conversation),
    "inbox:author-link": Access(A, "post", args=_conversation),
    "inbox:author-unlink": Access(
        A, "post", args=lambda world, person: {**_conversation(world, person), "author_id": 1}
    ),
    "inbox:dashboard": Access(S),
    "inbox:notifications": Access(A),
    "inbox:reply": Access(A, "post", args=_conversation),
    "inbox:reply-count": Access(A, "post", args=_conversation),
    "inbox:reply-delivery": Access(A, args=_obj("reply", "message_id")),
    "inbox:reply-retry": Access(A, "post", args=_obj("reply", "message_id")),
    "inbox:moderate": Access(A, "post", args=_obj("reply", "message_id")),
    "monitoring:setup": Access(AD),
    "monitoring:queries": Access(AD),
    "monitoring:query-add": Access(AD),
    "monitoring:query-edit": Access(AD, args=_obj("query")),
    "monitoring:query-preview": Access(
        AD, "post", data=lambda world, person: {"brand": world.brand.pk, "query": "order"}
    ),
    "monitoring:alerts": Access(AD),
    "monitoring:alert-add": Access(AD),
    "monitoring:alert-edit": Access(AD, args=_obj("rule")),
    "monitoring:schedule": Access(AD),
    "monitoring:shift-delete": Access(AD, "post", args=_obj("shift")),
    "settings:home": Access(S),
    "settings:brand": Access(S, args=lambda world, person: {"slug": world.brand.slug}),
    "settings:people": Access(S),
    "settings:person": Access(S, args=_obj("target")),
    "settings:person-deactivate": Access(AD, "post", args=_obj("target")),
    "settings:person-reactivate": Access(AD, "post", args=_obj("target")),
    "settings:channels": Access(S),
    "settings:channel": Access(S, args=_obj("account")),
    "settings:channel-test": Access(AD, "post", args=_obj("webhook_account")),
    "settings:channel-pause": Access(AD, "post", args=_obj("account")),
    "settings:channel-resume": Access(AD, "post", args=_obj("account")),
    "settings:routing": Access(S),
    "settings:quarantine": Access(S),
    "settings:quarantine-retry": Access(AD, "post", args=_obj("quarantined")),
    "settings:quarantine-discard": Access(AD, "post", args=_obj("quarantined")),
    "sla-summary": Access(S),
    "queries_api:queries": Access(AD),
    "queries_api:query": Access(AD, args=_obj("query")),
    "inbox_api:conversations": Access(A),
    "inbox_api:conversation": Access(A, args=_conversation),
    "inbox_api:reply": Access(A, "post", args=_conversation),
    "inbox_api:assign": Access(A, "post", args=_conversation),
    "inbox_api:status": Access(A, "post", args=_conversation),
    "inbox_api:tags": Access(A, "post", args=_conversation),
    "inbox_api:tag": Access(A, "delete", args=_tag),
    "api-schema": Access(SIGNED_IN),
    "api-docs": Access(SIGNED_IN),
    "language": Access(SIGNED_IN, "post"),  # the person's own interface language
    "api-tokens": Access(SIGNED_IN),
    "api-token": Access(SIGNED, "post"),  # username and password in the body
    "api-logout": Access(SIGNED, "post"),  # the API token being signed out
    "webhooks:inbound": Access(SIGNED, "post", args=_obj("webhook_account", "account_id"), scoped=False),
    "webhooks:facebook": Access(SIGNED, "post"),
    "responses:replies": Access(S),
    "responses:reply-add": Access(S),
    "responses:reply-edit": Access(S, args=_obj("saved_reply")),
    "responses:reply-delete": Access(S, "post", args=_obj("saved_reply")),
    "responses:rules": Access(S, args=lambda world, person: {"brand_id": world.brand.pk}),
    "responses:offers": Access(S),
    "responses:offer-add": Access(S),
    "responses:offer-edit": Access(S, args=_obj("offer")),
    "responses:approvals": Access(S),
    "responses:approval-decide": Access(S, "post", args=_obj("approval", "approval_id")),
    "responses:approval-status": Access(A, args=_obj("approval", "approval_id")),
    "responses_api:saved-replies": Access(A),
    "responses_api:saved-reply": Access(A, args=_obj("saved_reply")),
    "responses_api:offers": Access(A),
    "responses_api:redemptions": Access(S),
    "responses_api:approvals": Access(S),
    "responses_api:approve": Access(S, "post", args=_obj("approval", "approval_id")),
    "responses_api:reject": Access(S, "post", args=_obj("approval", "approval_id")),
    "crisis:list": Access(A),
    "crisis:banner": Access(A),
    "crisis:declare": Access(S, "post", data=lambda world, person: {"brand": world.brand.pk}),
    "crisis:incident": Access(A, args=_obj("incident", "incident_id")),
    "crisis:confirm": Access(S, "post", args=_obj("incident", "incident_id")),
    "crisis:status": Access(S, "post", args=_obj("incident", "incident_id")),
    "crisis:acknowledge": Access(A, "post", args=_obj("incident", "incident_id")),
    "crisis:report": Access(A, args=_obj("incident", "incident_id")),
    "crisis:report-csv": Access(A, args=_obj("incident", "incident_id")),
    "crisis:playbook": Access(S, args=lambda world, person: {"slug": world.brand.slug}),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """Seven people a URL: hashing their passwords the slow, safe way would be most of the test's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield route, name


def project_urls() -> list[tuple[str, str]]:
    """(route, key) of every URL, the Django admin's own pages folded into its index."""
    urls = []
    for route, key in _walk(get_resolver().url_patterns):
        if route.startswith("sandbox/"):
            continue
        if route.startswith("admin/") and key != "admin:index":
            continue  # the Django admin checks every one of its pages as it checks its index
        urls.append((route, key))
    return urls


def test_every_url_of_the_project_has_an_entry_saying_who_may_use_it():
    missing = [(route, key) for route, key in project_urls() if key not in ACCESS]
    how = (
        "Add an entry to ACCESS in tests/promptly/test_url_permissions.py for each, e.g.\n"
        '    "inbox:queue": Access(Role.AGENT),                       # GET, at least an agent\n'
        '    "inbox:status": Access(Role.AGENT, "post", args=_conversation),  # names an object of brand A\n'
        "with the least role that may use it (PUBLIC, SIGNED, SUPERUSER, or a Role), the method to try, and, "
        "for a URL with arguments, a function giving them from the test's World (add the object to world() "
        "when it is new)."
    )
    lines = "\n".join(f"  URL /{route} (key {key!r}) has no entry." for route, key in missing)
    assert not missing, f"{len(missing)} URL(s) without an entry in ACCESS:\n{lines}\n{how}"


def test_every_entry_names_a_url_that_exists():
    keys = {key for _, key in project_urls()}
    stale = sorted(set(ACCESS) - keys)
    assert not stale, f"ACCESS lists URLs the project no longer has: {stale}; remove their entries."


def _make_world(brand: Brand) -> World:
    other = add_brand(slug="other", name="Other Brand")
    people: dict[str, User | None] = {"anonymous": None}
    for persona, role in [("agent", A), ("supervisor", S), ("admin", AD)]:
        people[persona] = create_user(username=persona.replace(" ", "-"), password=PASSWORD, role=role)
        add_member(brand=brand, user=people[persona])  # type: ignore[arg-type]
    norole = User.objects.create_user(username="norole", password=PASSWORD)
    add_member(brand=brand, user=norole)
    people["member without role"] = norole
    outsider = create_user(username="other-admin", password=PASSWORD, role=AD)
    add_member(brand=other, user=outsider)
    people["admin of another brand"] = outsider
    world = World(brand=brand, people=people)
    conversation = conversation_with_message(brand, text="Where is my order?")
    target = create_user(username="target", password=PASSWORD, role=A)
    add_member(brand=brand, user=target)
    account = conversation.account
    webhook = AccountFactory(brand=brand, platform="webhook", external_id="reviews", handle="reviews")
    world.objects.update(
        saved_reply=SavedReply.objects.create(brand=brand, title="Thanks", text="Thanks for telling us."),
        offer=Offer.objects.create(brand=brand, name="Coffee on us", shared_code="SORRY20", message="{code}"),
        approval=ReplyApproval.objects.create(
            brand=brand, conversation=conversation, requested_by=target, text="Sorry!", idempotency_key=uuid4()
        ),
        incident=Incident.objects.create(brand=brand, title="Outage"),
        conversation=conversation,
        tag=Tag.objects.create(brand=brand, name="vip"),
        reply=MessageFactory(conversation=conversation, direction=Direction.OUTBOUND, external_id=None),
        query=add_query(brand=brand, name="Outage", query="outage"),
        rule=AlertRule.objects.create(brand=brand, name="Angry", negative_sentiment=True),
        shift=Shift.objects.create(brand=brand, user=target, weekday=0, starts_at="09:00", ends_at="17:00"),
        target=target,
        invited=target,
        account=account,
        webhook_account=webhook,
        quarantined=QuarantinedItem.objects.create(
            account=account, stream="mentions", raw="{}", reason="no id", item_key="sha256:x"
        ),
    )
    return world


def expected_allowed(access: Access, persona: str) -> bool:
    if access.role == PUBLIC:
        return True
    if access.role == SIGNED_IN:
        return persona != "anonymous"
    if access.role in (SIGNED, SUPERUSER) or persona in ("anonymous", "member without role"):
        return False
    role = {"agent": A, "supervisor": S, "admin": AD, "admin of another brand": AD}[persona]
    if persona == "admin of another brand" and access.of_one_brand:
        return False
    return RANK[role] >= RANK[Role(access.role)]


def _allowed(access: Access, status: int, location: str) -> bool:
    if status in DENIED:
        return False
    if access.role == PUBLIC:
        return True  # logging out, for one, ends on the login page
    return not (status in (301, 302) and ("/accounts/login/" in location or "/admin/login/" in location))


@pytest.mark.parametrize("key", sorted(ACCESS))
def test_each_url_lets_in_exactly_the_people_its_entry_names(key, brand):
    from django.urls import reverse

    access = ACCESS[key]
    world = _make_world(brand)
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            person = world.people[persona]
            client = Client()
            if person is not None:
                client.force_login(person)
            kwargs = access.args(world, person) if access.args else {}
            url = reverse(key, kwargs=kwargs)
            data = access.data(world, person) if access.data else None
            response = getattr(client, access.method)(url, data)
            got = _allowed(access, response.status_code, response.get("Location", ""))
            if got != expected_allowed(access, persona):
                wrong.append(f"{persona}: {access.method.upper()} {url} answered {response.status_code}")
            transaction.set_rollback(True)
    assert not wrong, f"{key} ({access}):\n" + "\n".join(wrong)
