"""Crisis fixtures: Celery tasks run in the test's process (the after-commit count of a batch)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from promptly.celery import app as celery_app


@pytest.fixture
def eager_tasks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    yield
