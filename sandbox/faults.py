"""Deterministic fault injection for the sandbox's read endpoints.

Each faulted request takes the next number from FaultSettings.requests_seen; its fate comes from a
random generator seeded with (seed, number), so the same seed and the same sequence of requests
give the same faults. Whether an item is malformed depends on (seed, item id) only: an item served
twice is malformed both times, as a post the platform cannot render stays broken.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction

from sandbox.models import FaultSettings, InjectedFault

Kind = InjectedFault.Kind


@dataclass
class RequestFaults:
    """What the sandbox does wrong in answering one request."""

    number: int = 0
    path: str = ""
    seed: int = 0
    failure: str = ""  # Kind.SERVER_ERROR, Kind.RATE_LIMIT or "" (answer normally)
    slow_seconds: float = 0.0  # answer only after this long (a client with a shorter timeout gives up)
    reset_seconds: int = 30
    duplicate: bool = False
    rate_malformed: float = 0.0
    logged: list[InjectedFault] = field(default_factory=list)

    def is_malformed(self, item_id: str) -> bool:
        if self.rate_malformed <= 0:
            return False
        return random.Random(f"{self.seed}:item:{item_id}").random() < self.rate_malformed  # noqa: S311

    def choose(self, item_id: str, options: int) -> int:
        """A stable choice among `options` variants for an item (which way it is malformed)."""
        return random.Random(f"{self.seed}:variant:{item_id}").randrange(options)  # noqa: S311

    def note(self, kind: str, item_id: str = "") -> None:
        self.logged.append(InjectedFault(kind=kind, path=self.path[:500], request_number=self.number, item_id=item_id))

    def save_log(self) -> None:
        if self.logged:
            InjectedFault.objects.bulk_create(self.logged)
            self.logged = []


NO_FAULTS = RequestFaults()


def current_settings() -> FaultSettings:
    settings, _ = FaultSettings.objects.get_or_create(pk=1)
    return settings


def _active(settings: FaultSettings) -> bool:
    rates = (settings.rate_500, settings.rate_429, settings.rate_timeout, settings.rate_malformed)
    return any(rate > 0 for rate in (*rates, settings.rate_duplicate))


@transaction.atomic
def draw(path: str) -> RequestFaults:
    """Decide (and record) the faults of the next read request."""
    settings = FaultSettings.objects.select_for_update().filter(pk=1).first()
    if settings is None or not _active(settings):
        return RequestFaults(path=path)
    settings.requests_seen += 1
    settings.save(update_fields=["requests_seen"])
    rng = random.Random(f"{settings.seed}:request:{settings.requests_seen}")  # noqa: S311
    faults = RequestFaults(
        number=settings.requests_seen,
        path=path,
        seed=settings.seed,
        reset_seconds=settings.reset_seconds,
        rate_malformed=settings.rate_malformed,
    )
    roll = rng.random()
    if roll < settings.rate_500:
        faults.failure = Kind.SERVER_ERROR
    elif roll < settings.rate_500 + settings.rate_429:
        faults.failure = Kind.RATE_LIMIT
    elif roll < settings.rate_500 + settings.rate_429 + settings.rate_timeout:
        faults.slow_seconds = settings.slow_seconds
        faults.note(Kind.TIMEOUT)
    faults.duplicate = not faults.failure and rng.random() < settings.rate_duplicate
    if faults.failure:
        faults.note(faults.failure)
    faults.save_log()
    return faults
