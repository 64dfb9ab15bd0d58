"""`make run`: migrate, seed the demo, then run web, worker and beat on one stack until Ctrl-C.

With DATABASE_URL / REDIS_URL unset the embedded servers start here (through the settings) and
their URLs reach the children through the environment, so every process shares them. On Ctrl-C
or SIGTERM every child and both embedded servers stop; nothing is left running.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

STARTUP_SECONDS = 120
STOP_SECONDS = 15


class Stack:
    def __init__(self, data_dir: Path) -> None:
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.log_dir = data_dir / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.state_file = data_dir / "run" / "stack.json"
        self.stopping = False

    def spawn(self, name: str, command: list[str]) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        # Own session per child: the terminal's Ctrl-C reaches only us, and we stop them in order.
        self.children[name] = subprocess.Popen(  # noqa: S603 - our own fixed commands
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def write_state(self, extra: dict[str, int]) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        pids = {name: child.pid for name, child in self.children.items()} | extra
        self.state_file.write_text(json.dumps({"runner": os.getpid(), **pids}))

    def dead_child(self) -> str | None:
        return next((name for name, child in self.children.items() if child.poll() is not None), None)

    def stop(self) -> None:
        self.stopping = True
        for child in self.children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.state_file.unlink(missing_ok=True)


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def _wait_until_serving(url: str, stack: Stack) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and stack.dead_child() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    return False


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "promptly.settings")
    os.environ.setdefault("PROMPTLY_SANDBOX", "1")
    import django

    django.setup()  # starts the embedded servers when no URLs are set
    from django.conf import settings
    from django.core.management import call_command

    from promptly import embedded
    from promptly.demo import seed_demo

    host, port = settings.PROMPTLY_HOST, settings.PROMPTLY_PORT
    if not _port_is_free(host, port):
        print(f"Port {port} on {host} is already in use. Stop what uses it or set PROMPTLY_PORT.", file=sys.stderr)
        embedded.stop_all()
        return 2

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    logins = seed_demo()

    stack = Stack(Path(settings.DATA_DIR))
    bin_dir = Path(sys.executable).parent
    if settings.PROMPTLY_SANDBOX:
        _start_sandbox(stack, f"http://{host}:{port}")
    stack.spawn("web", [str(bin_dir / "uvicorn"), "promptly.asgi:application", "--host", host, "--port", str(port)])
    stack.spawn("worker", [str(bin_dir / "celery"), "-A", "promptly", "worker", "-l", "INFO", "--concurrency", "2"])
    stack.spawn("beat", [str(bin_dir / "celery"), "-A", "promptly", "beat", "-l", "INFO"])
    stack.write_state({f"embedded_{type(h).__name__}": h.pid for h in embedded.running})

    def on_signal(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    # Started in the background by a script, SIGINT arrives ignored; Ctrl-C (or kill -INT) must still stop us.
    signal.signal(signal.SIGINT, on_signal)
    url = f"http://{host}:{port}/"
    exit_code = 0
    try:
        if not _wait_until_serving(url + "accounts/login/", stack):
            print(f"The web server did not come up; see {stack.log_dir}/web.log", file=sys.stderr)
            return 1
        _print_welcome(url, logins, stack.log_dir)
        while (dead := stack.dead_child()) is None:
            time.sleep(1)
        print(f"The {dead} process stopped; see {stack.log_dir}/{dead}.log. Stopping everything.", file=sys.stderr)
        exit_code = 1
    except KeyboardInterrupt:
        print("\nStopping Promptly…", flush=True)
    finally:
        # A second Ctrl-C (or a TERM sent to the whole group) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        embedded.stop_all()
    print("Stopped.")
    return exit_code


def _start_sandbox(stack: Stack, base: str) -> None:
    """Sandbox accounts for the demo brand, connected to it, the platforms' URLs pointed at them, and live traffic."""
    from promptly.demo import DEMO_BRAND_SLUG, connect_sandbox_accounts

    # Children read these at start; values set by the person running us win.
    os.environ.setdefault("PROMPTLY_X_API_URL", f"{base}/sandbox/x")
    os.environ.setdefault("PROMPTLY_GRAPH_API_URL", f"{base}/sandbox/graph")
    page = connect_sandbox_accounts(base_url=base)
    os.environ.setdefault("PROMPTLY_FACEBOOK_APP_SECRET", page.app_secret)
    os.environ.setdefault("PROMPTLY_FACEBOOK_VERIFY_TOKEN", page.verify_token)
    manage = str(Path(__file__).resolve().parent.parent / "manage.py")
    traffic = [sys.executable, manage, "sandbox", "traffic", "--brand", DEMO_BRAND_SLUG, "--rate", "6/min"]
    stack.spawn("traffic", traffic)


def _print_welcome(url: str, logins: list, log_dir: Path) -> None:
    print(f"\nPromptly is running at {url}\n", flush=True)
    print("Demo logins (role, username, password):")
    for login in logins:
        print(f"  {login.role.label:<11} {login.username:<11} {login.password}")
    print(f"Sandbox platform (customers' view): {url}sandbox/")
    print(f"\nLogs: {log_dir}/ (web, worker, beat, traffic). Press Ctrl-C to stop everything.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
