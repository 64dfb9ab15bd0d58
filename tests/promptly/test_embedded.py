"""The embedded PostgreSQL stops with its last user, even when an earlier user died without cleaning up."""

import os
import subprocess
import sys
import textwrap

import psutil
import pytest

pytestmark = pytest.mark.slow

START = "from pathlib import Path; from promptly import embedded; server = embedded.start_postgres(Path({dir!r}))"


def _run(code: str) -> str:
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.strip()


def test_a_user_that_died_without_cleanup_does_not_keep_the_server_alive(tmp_path):
    # The first user leaves the way mypy does: os._exit, no atexit, its pid left on pgserver's list.
    leave_like_mypy = "; print(server.pid, flush=True); import os; os._exit(0)"
    postmaster_pid = int(_run(START.format(dir=str(tmp_path)) + leave_like_mypy))
    assert psutil.pid_exists(postmaster_pid)
    try:
        # The next user joins the running server and stops it when it leaves, as the runner does.
        joined_pid = int(_run(START.format(dir=str(tmp_path)) + "; print(server.pid); embedded.stop_all()"))
        assert joined_pid == postmaster_pid
        psutil.Process(postmaster_pid).wait(timeout=30)
        assert not psutil.pid_exists(postmaster_pid)
    finally:
        if psutil.pid_exists(postmaster_pid):
            psutil.Process(postmaster_pid).kill()
