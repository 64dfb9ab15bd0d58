"""Crisis fixtures: Celery tasks run in the test's process; each test starts with no batch waiting to be counted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crisis.services.pending import forget_pending
from promptly.celery import app as celery_app


@pytest.fixture(autouse=True)
def no_pending_batches(db: None) -> Iterator[None]:
    forget_pending()
    yield
    forget_pending()


@pytest.fixture
def eager_tasks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    yield
