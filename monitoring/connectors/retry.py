"""Reads of a platform retried within one poll: a passing fault costs a short wait, not what the poll fetched.

A Page poll makes a dozen or more calls; without retrying, one 5xx among them ended the poll. Each read is
tried again after a capped, doubling wait, and one connector (one poll) waits at most `budget` seconds in
all, so a platform that stays down still hands the stream back to the scheduler's backoff quickly.
What the platform asks us to wait for (a rate limit) is not retried here: the stream pauses until then.
A timeout is not retried either: it has already held the worker for the whole HTTP timeout.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Retrying:
    """How one connector retries its reads: `attempts` in all per read, waits doubling from `first_wait`."""

    attempts: int = 4
    first_wait: float = 0.5
    max_wait: float = 4.0
    budget: float = 20.0
    # Injectable so tests neither wait nor depend on the clock.
    sleep: Callable[[float], None] = time.sleep
    waited: float = field(default=0.0, init=False)
    retries: int = field(default=0, init=False)

    @classmethod
    def from_settings(cls) -> Retrying:
        return cls(
            attempts=max(1, int(settings.PROMPTLY_READ_ATTEMPTS)),
            first_wait=float(settings.PROMPTLY_READ_RETRY_WAIT_SECONDS),
        )

    def wait_before(self, retry: int) -> float:
        """The wait before the `retry`-th retry of a read (1-based): first_wait, twice that, … up to max_wait."""
        return min(self.max_wait, self.first_wait * 2 ** (retry - 1))

    def call(
        self,
        read: Callable[[], T],
        *,
        errors: tuple[type[Exception], ...],
        transient: Callable[[Exception], bool],
    ) -> T:
        """`read()`, again after a wait when it raises one of `errors` that `transient` calls passing."""
        retry = 0
        while True:
            try:
                return read()
            except errors as error:
                retry += 1
                wait = self.wait_before(retry)
                if retry >= self.attempts or not transient(error) or self.waited + wait > self.budget:
                    raise
                logger.info("Retrying a platform read in %.1f s after %s", wait, error.__class__.__name__)
                self.waited += wait
                self.retries += 1
                self.sleep(wait)
