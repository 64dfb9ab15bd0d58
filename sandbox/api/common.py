"""What every sandbox endpoint shares: the fault gate in front of read endpoints, JSON answers."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable, Coroutine
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox import faults as fault_injection
from sandbox.faults import NO_FAULTS, RequestFaults

Handler = Callable[..., HttpResponse]
FailureAnswer = Callable[[RequestFaults], HttpResponse]


def json_answer(body: Any, *, status: int = 200) -> JsonResponse:
    # Platforms send text as UTF-8, not \u-escapes; ensure_ascii=False keeps the bytes realistic.
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def platform_endpoint(
    failure_answer: FailureAnswer,
) -> Callable[[Handler], Callable[..., Coroutine[Any, Any, HttpResponse]]]:
    """Wrap a synchronous handler: GETs pass the fault gate first; slow answers sleep without blocking others.

    The handler receives `faults=` (what to get wrong inside an otherwise good answer).
    """

    def decorate(handler: Handler) -> Callable[..., Coroutine[Any, Any, HttpResponse]]:
        sync_handler = sync_to_async(handler)

        @csrf_exempt
        @functools.wraps(handler)
        async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            faults = NO_FAULTS
            if request.method == "GET":
                faults = await sync_to_async(fault_injection.draw)(request.path)
            if faults.slow_seconds:
                await asyncio.sleep(faults.slow_seconds)
            if faults.failure:
                return failure_answer(faults)
            response: HttpResponse = await sync_handler(request, *args, faults=faults, **kwargs)
            return response

        return view

    return decorate


def request_json(request: HttpRequest) -> dict[str, Any] | None:
    """The request's JSON object body, or None when it is not one."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None
