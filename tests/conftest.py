"""Shared fixtures: people with roles on a brand, a real ASGI server, a real Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import create_user
from brands.models import Brand
from brands.services import add_brand, add_member
from tests.flush import keep_migrated_rows_on_flush
from tests.parallel import REDIS_DATABASES, redis_database, with_redis_database
from tests.workers import CeleryWorker, forget_unacknowledged_tasks, worker_env

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls the tests
# make there are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"

keep_migrated_rows_on_flush()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: list[Any]) -> None:
    """Each xdist worker gets a Redis database of its own, as pytest-django gives it a test database of its own.

    The cache, the channel layer, Celery's queues, presence and the live log all key by brand or task id, which
    two workers' databases share. The settings have already started the embedded servers here (or the URLs were
    given), so the workers inherit the URLs and never race to start a server. Worker N uses database BASE + N,
    BASE being REDIS_URL's own (0 for the embedded server).
    """
    base = os.environ["REDIS_URL"]
    first = redis_database(base)
    if first + len(specs) > REDIS_DATABASES:
        raise pytest.UsageError(
            f"{len(specs)} workers need Redis databases {first}..{first + len(specs) - 1}; Redis has {REDIS_DATABASES}"
        )
    for index, spec in enumerate(specs):
        spec.env["REDIS_URL"] = with_redis_database(base, first + index)


@pytest.fixture(autouse=True)
def fresh_channel_layer() -> Iterator[None]:
    """Each test starts on a channel layer of its own. The layer keeps receive state per event loop, and a
    consumer of an earlier test (its loop gone, a socket still closing) would otherwise leave it claimed:
    "Two event loops are trying to receive() on one channel layer at once!" in whichever test comes next."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def brand(db: None) -> Brand:
    return add_brand(slug="acme", name="Acme Coffee", time_zone="America/Los_Angeles")


def _member(brand: Brand, username: str, role: Role) -> User:
    user = create_user(username=username, password=PASSWORD, role=role)
    add_member(brand=brand, user=user)
    return user


@pytest.fixture
def agent(brand: Brand) -> User:
    return _member(brand, "agent", Role.AGENT)


@pytest.fixture
def supervisor(brand: Brand) -> User:
    return _member(brand, "supervisor", Role.SUPERVISOR)


@pytest.fixture
def admin_user(brand: Brand) -> User:
    return _member(brand, "admin", Role.ADMIN)


@pytest.fixture
def superuser(brand: Brand) -> User:
    """The only kind of person the Django admin lets in."""
    user = User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.com")
    add_member(brand=brand, user=user)
    return user


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The project's real ASGI application (HTTP and websockets) served by uvicorn on a free port."""
    import uvicorn

    from promptly.asgi import application

    port = free_port()
    # A browser page still open at teardown keeps its websocket: without a bound, uvicorn waits on it
    # until the thread join below gives up (10 s per test).
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="critical", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def sandbox_url(asgi_server: str, settings: Any) -> Iterator[str]:
    """The sandbox platform served by the real ASGI server; its base URL (http://127.0.0.1:PORT/sandbox)."""
    import importlib

    from django.urls import clear_url_caches

    def mount(enabled: bool) -> None:
        settings.PROMPTLY_SANDBOX = enabled
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
        clear_url_caches()

    mount(True)
    yield f"{asgi_server}/sandbox"
    mount(False)


@pytest.fixture
def platforms(sandbox_url: str, settings: Any) -> Iterator[str]:
    """Route tweepy and facebook-sdk to the sandbox. The timeout is shorter than production's, and still wide
    enough for a sandbox answering late on a loaded machine running the suite in parallel (1.5 s was not):
    tests of timeouts set a shorter one with slower answers."""
    settings.PROMPTLY_X_API_URL = f"{sandbox_url}/x"
    settings.PROMPTLY_GRAPH_API_URL = f"{sandbox_url}/graph"
    settings.PROMPTLY_HTTP_TIMEOUT_SECONDS = 5
    # Reads retried after a passing fault do so at once; tests of the waits give their own Retrying.
    settings.PROMPTLY_READ_RETRY_WAIT_SECONDS = 0.0
    yield sandbox_url


@pytest.fixture
def deliver_inline(platforms: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Replies delivered to the sandbox in this process when they commit (Celery's eager mode): the task, the
    connector, the HTTP exchange and the platform are real, only the broker hop is left out."""
    from promptly.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)
    return platforms


@pytest.fixture
def celery_workers(platforms: str, tmp_path: Path) -> Iterator[Callable[..., CeleryWorker]]:
    """Start real Celery worker processes on this test's database and the sandbox (environment overrides as
    keywords); every one is stopped at the end. The broker's queue is emptied first: tasks that earlier tests
    queued without a worker are not this test's."""
    from promptly.celery import app

    app.control.purge()
    forget_unacknowledged_tasks(app)
    started: list[CeleryWorker] = []

    def start(**env: str) -> CeleryWorker:
        worker = CeleryWorker(worker_env(platforms, **env), tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
