"""/healthz: is the database, Redis and at least one Celery worker up? JSON, 503 when not."""

from __future__ import annotations

import threading
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from monitoring.health import failing_stream_count
from promptly.celery import app as celery_app

WORKER_PING_SECONDS = 1.0
WORKER_ANSWER_SECONDS = 10.0


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


class _WorkerAnswer:
    """The last worker ping, kept WORKER_ANSWER_SECONDS: a load balancer polling /healthz many times a second
    costs the broker one round trip (and at most WORKER_PING_SECONDS of waiting) per period, not per request.
    One request pings at a time; the others meanwhile get the last answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at = 0.0
        self.answer: str | Exception = RuntimeError("no Celery worker asked yet")

    def get(self) -> str:
        fresh = time.monotonic() - self.at < WORKER_ANSWER_SECONDS
        if not fresh and self.lock.acquire(blocking=self.at == 0.0):
            try:
                if time.monotonic() - self.at >= WORKER_ANSWER_SECONDS:  # not answered while this one waited
                    self.answer = _ping_workers()
                    self.at = time.monotonic()
            except Exception as error:  # noqa: BLE001 - kept and raised to each caller below
                self.answer, self.at = error, time.monotonic()
            finally:
                self.lock.release()
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def forget(self) -> None:
        self.at = 0.0


def _ping_workers() -> str:
    replies = celery_app.control.ping(timeout=WORKER_PING_SECONDS)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


worker_answer = _WorkerAnswer()


def _check_worker() -> str:
    return worker_answer.get()


CHECKS = {"database": _check_database, "redis": _check_redis, "worker": _check_worker}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means this part is down; say why
            healthy = False
            results[name] = f"down: {error.__class__.__name__}: {error}"
    body: dict[str, object] = {"status": "ok" if healthy else "down", "checks": results}
    if results.get("database") == "ok":
        # Counts only: which brands and accounts are failing is not for anonymous callers.
        body["listening"] = {"failing_streams": failing_stream_count()}
    return JsonResponse(body, status=200 if healthy else 503)
