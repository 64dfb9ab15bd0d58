"""`make run`'s runner on the embedded default: serves the login page, demo users log in, and
Ctrl-C leaves no process behind (children, embedded PostgreSQL and Redis)."""

import json
import os
import re
import signal
import subprocess
import sys
import time

import psutil
import pytest
import requests

from tests.conftest import free_port

pytestmark = pytest.mark.slow


def _wait_for_line(process: subprocess.Popen, pattern: str, seconds: float) -> list[str]:
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        lines.append(line)
        if re.search(pattern, line):
            return lines
    raise AssertionError(f"runner never printed {pattern!r}; output:\n{''.join(lines)}")


def test_runner_serves_login_and_stops_every_process_on_ctrl_c_pressed_twice(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"PROMPTLY_DATA_DIR": str(tmp_path / "var"), "PROMPTLY_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    runner = subprocess.Popen(
        [sys.executable, "-m", "promptly.runner"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output = "".join(_wait_for_line(runner, r"Press Ctrl-C", 180))
        assert f"http://127.0.0.1:{port}/" in output
        password = re.search(r"Agent\s+agent\s+(\S+)", output).group(1)

        session = requests.Session()
        login_url = f"http://127.0.0.1:{port}/accounts/login/"
        page = session.get(login_url, timeout=10)
        assert page.status_code == 200
        response = session.post(
            login_url,
            data={"username": "agent", "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": login_url},
            timeout=10,
        )
        assert response.url.endswith("/inbox/"), response.url
        assert "Acme Coffee" in response.text
        assert session.get(f"http://127.0.0.1:{port}/sandbox/feeds/acme.xml", timeout=10).status_code == 200

        state = json.loads((tmp_path / "var" / "run" / "stack.json").read_text())
        pids = set(state.values())
        pids |= {child.pid for pid in pids if psutil.pid_exists(pid) for child in psutil.Process(pid).children(True)}
        assert len(pids) >= 6  # runner, web, worker, beat, postgres, redis (and their children)
    finally:
        runner.send_signal(signal.SIGINT)
        time.sleep(0.3)  # an impatient second Ctrl-C must not cut the clean-up short
        runner.send_signal(signal.SIGINT)
        runner.wait(timeout=60)

    time.sleep(1)
    alive = [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [psutil.Process(pid).cmdline() for pid in alive]
