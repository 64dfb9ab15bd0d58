"""The embedded servers stop with their last user, even when an earlier user died without cleaning up."""

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


def _gone(pid: int) -> None:
    """The server process ends (or has ended); killed if it does not, so no test leaves one behind."""
    try:
        psutil.Process(pid).wait(timeout=30)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        psutil.Process(pid).kill()
        raise AssertionError(f"server {pid} outlived its last user") from None


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


def test_redis_stops_with_its_last_user_even_with_connections_still_open(tmp_path):
    # Like a test run or a worker at exit: Celery, Channels and the cache still hold connections.
    code = f"""
        from pathlib import Path
        import redis
        from promptly import embedded
        server = embedded.start_redis(Path({str(tmp_path)!r}))
        other = redis.Redis.from_url(server.url)
        other.ping()
        print(server.pid)
    """
    _gone(int(_run(code)))


def test_redis_keeps_running_while_another_user_is_alive(tmp_path):
    start = START.replace("start_postgres", "start_redis").format(dir=str(tmp_path))
    first = subprocess.Popen(
        [sys.executable, "-c", start + "; print(server.pid, flush=True); import time; time.sleep(120)"],
        stdout=subprocess.PIPE,
        text=True,
        env={name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")},
    )
    try:
        assert first.stdout is not None
        redis_pid = int(first.stdout.readline())
        assert int(_run(start + "; print(server.pid)")) == redis_pid  # a second user joins, then leaves
        assert psutil.Process(redis_pid).is_running()
    finally:
        first.kill()
        first.wait()
    # The first user was killed without leaving; the next one to come and go stops the server.
    _run(start)
    _gone(redis_pid)
