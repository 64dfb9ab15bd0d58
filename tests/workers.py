"""Real worker processes for tests that need one: on this test's database and Redis, talking to the sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import cast

from celery import Celery
from django.db import connection
from kombu.transport import redis as redis_transport

ROOT = Path(__file__).resolve().parents[1]


def worker_env(sandbox_url: str, **extra: str) -> dict[str, str]:
    """The environment of a separate process that uses this test's database, Redis and sandbox."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    test_db = url._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    return {
        **os.environ,
        "DATABASE_URL": test_db,
        "PROMPTLY_X_API_URL": f"{sandbox_url}/x",
        "PROMPTLY_GRAPH_API_URL": f"{sandbox_url}/graph",
        "PROMPTLY_HTTP_TIMEOUT_SECONDS": "5",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def forget_unacknowledged_tasks(app: Celery) -> None:
    """Drop what earlier tests' workers took and never acknowledged, and the lock over it: the broker would
    hand those tasks to this test's workers, and a lock left by a killed worker would delay redelivery."""
    with app.connection_for_write() as connection:
        channel = cast(redis_transport.Channel, connection.default_channel)
        channel.client.delete(channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key)


class CeleryWorker:
    """`celery worker` in its own process group, one task at a time in the main process (solo pool), so that
    killing that process kills the task mid-way; its log goes to a file shown when something goes wrong."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        name = f"test-{uuid.uuid4().hex[:8]}@%h"
        command = [sys.executable, "-m", "celery", "-A", "promptly", "worker", "--pool=solo", "-n", name]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while " ready." not in self.log.read_text(errors="replace"):
            assert self.process.poll() is None, f"the worker exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{self.output()}"
            time.sleep(0.1)

    def wait_killed(self, seconds: float = 60) -> int:
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the worker was not killed in time:\n{self.output()}") from None

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
