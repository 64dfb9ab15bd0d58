"""/healthz: is the database, Redis and at least one Celery worker up? JSON, 503 when not."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from monitoring.health import failing_stream_count
from promptly.celery import app as celery_app

WORKER_PING_SECONDS = 1.0


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


def _check_worker() -> str:
    replies = celery_app.control.ping(timeout=WORKER_PING_SECONDS)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


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
