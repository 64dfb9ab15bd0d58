"""Realtime benchmark: signed Facebook webhook deliveries through the real endpoint to an agent's websocket frame.

Starts the app under uvicorn in its own process (as `make run` does), signs in an agent, opens the
inbox websocket and posts one Page's deliveries (each a new comment or a new private message, so each
opens a conversation) at 20, 100 and 300 a second for --seconds each, on a fixed schedule whatever the
answers. For every delivery: time from when it was due to the frame naming its conversation, and the
HTTP answer's time; a delivery whose frame never came is lost. And the server process's CPU time per
1,000 deliveries (user + system, from the run's first delivery to its last frame): latencies swing with
whatever else the machine runs, the work done per delivery much less. Beside it, in the same run, the
bare floor: a Redis publish to a subscriber, round trip.

    .venv/bin/python bench/realtime.py [--seconds 60] [--rates 20,100,300]
    .venv/bin/python bench/realtime.py --soak 600     # one socket, sparse events: drops and lost events

Ends with one JSON line for the last (300/s) run, or for the soak.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import ROOT, start_stack

APP_SECRET = "bench-realtime-app-secret"  # noqa: S105  (the bench signs its own deliveries)
PAGE_ID = "9990001"
GRACE_SECONDS = 15  # after the last delivery, how long a frame may still come before its delivery counts as lost
CONNECTIONS = 64  # keep-alive HTTP connections the deliveries go out on


@dataclass
class Run:
    rate: float
    due: dict[str, float] = field(default_factory=dict)  # external id -> when its delivery was due
    answered: dict[str, float] = field(default_factory=dict)  # external id -> seconds to the HTTP answer
    failed: int = 0  # answers other than 200, or none
    cpu_seconds: float = 0.0  # the server process's CPU time over the run


@dataclass
class Socket:
    frames: dict[int, float] = field(default_factory=dict)  # conversation id -> when its first frame came
    drops: int = 0


def delivery(number: int, run_tag: str) -> tuple[str, bytes]:
    """A new top-level comment on a post of its own (even numbers) or a new person's private message."""
    stamp = 1763900000 + number
    if number % 2:
        mid = f"m_{run_tag}_{number}"
        event = {"sender": {"id": f"p{run_tag}{number}"}, "recipient": {"id": PAGE_ID}, "timestamp": stamp * 1000}
        entry = {"id": PAGE_ID, "time": stamp, "messaging": [{**event, "message": {"mid": mid, "text": "Hi there"}}]}
        return mid, json.dumps({"object": "page", "entry": [entry]}).encode()
    comment_id = f"{run_tag}_{number}"
    value = {
        "item": "comment",
        "verb": "add",
        "post_id": f"{PAGE_ID}_{run_tag}{number}",
        "comment_id": comment_id,
        "parent_id": f"{PAGE_ID}_{run_tag}{number}",
        "message": f"Where is my order {number}?",
        "created_time": stamp,
        "from": {"id": f"c{run_tag}{number}", "name": f"Person {number}"},
    }
    entry = {"id": PAGE_ID, "time": stamp, "changes": [{"field": "feed", "value": value}]}
    return comment_id, json.dumps({"object": "page", "entry": [entry]}).encode()


def signed_request(host: str, port: int, body: bytes) -> bytes:
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    head = (
        f"POST /webhooks/facebook/ HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connections:
    """Keep-alive HTTP/1.1 connections to the server, one request at a time on each."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def open(self, count: int) -> None:
        for _ in range(count):
            self.idle.put_nowait(await asyncio.open_connection(self.host, self.port))

    async def post(self, body: bytes) -> int:
        """The answer's status; 0 when none came. A connection the server closed while idle is reopened once."""
        reader, writer = await self.idle.get()
        status = 0
        for _ in range(2):
            try:
                writer.write(signed_request(self.host, self.port, body))
                status = await self._status(reader)
                break
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                writer.close()
                reader, writer = await asyncio.open_connection(self.host, self.port)
        self.idle.put_nowait((reader, writer))
        return status

    @staticmethod
    async def _status(reader: asyncio.StreamReader) -> int:
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        return status


async def listen(url: str, cookie: str, origin: str, socket: Socket, stop: asyncio.Event) -> None:
    """Hold the agent's inbox socket; note when each conversation's first frame comes, and every drop."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    seen: dict[str, str] = {}  # brand id -> last event id, as the page keeps it to catch up after a drop
    while not stop.is_set():
        try:
            async with connect(url, additional_headers={"Cookie": cookie, "Origin": origin}) as connection:
                await connection.send(json.dumps({"type": "resume", "after": seen}))
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(connection.recv(), timeout=0.5)
                    except TimeoutError:
                        continue
                    now = time.monotonic()
                    event = json.loads(raw)
                    if event.get("event_id"):
                        seen[str(event["brand_id"])] = event["event_id"]
                    for conversation_id in event.get("conversation_ids") or []:
                        socket.frames.setdefault(conversation_id, now)
        except (ConnectionClosed, OSError):
            socket.drops += 1
            await asyncio.sleep(0.2)


async def send_at_rate(connections: Connections, run: Run, seconds: float, tag: str) -> None:
    async def one(number: int, due: float) -> None:
        external_id, body = delivery(number, tag)
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        run.due[external_id] = due
        status = await connections.post(body)
        if status == 200:
            run.answered[external_id] = time.monotonic() - due
        else:
            run.failed += 1

    start = time.monotonic() + 0.5
    count = int(run.rate * seconds)
    await asyncio.gather(*(one(number, start + number / run.rate) for number in range(count)))


def conversations_of(external_ids: list[str]) -> dict[str, int]:
    from inbox.models import Message

    rows = Message.objects.filter(external_id__in=external_ids).values_list("external_id", "conversation_id")
    return {str(external_id): conversation_id for external_id, conversation_id in rows}


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def redis_round_trips(count: int = 2000) -> list[float]:
    """The floor under any frame: a Redis publish reaching a subscriber on the same Redis."""
    from django.conf import settings
    from redis import asyncio as aioredis

    client = aioredis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    await pubsub.subscribe("bench-realtime")
    await pubsub.get_message(timeout=1)
    times = []
    for _ in range(count):
        sent = time.monotonic()
        await client.publish("bench-realtime", b"x")
        while await pubsub.get_message(timeout=1) is None:
            pass
        times.append(time.monotonic() - sent)
    await pubsub.aclose()
    await client.aclose()
    return times


def prepare() -> str:
    """The bench's brand, agent and Page; the agent's session cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.module_loading import import_string

    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import create_user
    from brands.models import Brand
    from brands.services import add_brand, add_member
    from monitoring.channel_accounts import add_facebook_account
    from monitoring.models import ChannelAccount

    brand = Brand.objects.filter(slug="bench-realtime").first() or add_brand(slug="bench-realtime", name="Bench")
    agent = User.objects.filter(username="bench-agent").first()
    if agent is None:
        agent = create_user(username="bench-agent", password="bench-agent-password", role=Role.AGENT)  # noqa: S106
        add_member(brand=brand, user=agent)
    if not ChannelAccount.objects.filter(external_id=PAGE_ID).exists():
        add_facebook_account(brand_slug="bench-realtime", page_id=PAGE_ID, page_token="bench-page-token")  # noqa: S106
    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    # The backend a signed-in session names must be able to load its user (the login throttle cannot).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(path), "get_user")
    )
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PROMPTLY_FACEBOOK_APP_SECRET": APP_SECRET, "LOG_LEVEL": "WARNING"}
    uvicorn = str(Path(sys.executable).parent / "uvicorn")
    args = [uvicorn, "promptly.asgi:application", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(args, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the server did not start")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def summary(run: Run, socket: Socket) -> dict[str, float | int]:
    conversation_of = conversations_of(list(run.due))
    to_frame, lost = [], 0
    for external_id, due in run.due.items():
        frame = socket.frames.get(conversation_of.get(external_id, -1))
        if frame is None:
            lost += 1
        else:
            to_frame.append(frame - due)
    answers = list(run.answered.values())
    return {
        "rate": int(run.rate) if run.rate.is_integer() else run.rate,
        "sent": len(run.due),
        "p50_ms": round(percentile(to_frame, 0.50) * 1000, 1),
        "p95_ms": round(percentile(to_frame, 0.95) * 1000, 1),
        "p99_ms": round(percentile(to_frame, 0.99) * 1000, 1),
        "answer_p99_ms": round(percentile(answers, 0.99) * 1000, 1),
        "failed": run.failed,
        "lost": lost,
        "cpu_ms_per_1000": round(run.cpu_seconds * 1000 / max(1, len(run.due)) * 1000),
    }


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def bench(args: argparse.Namespace, cookie: str, server: psutil.Process) -> list[dict[str, float | int]]:
    from asgiref.sync import sync_to_async

    port = args.port
    socket, stop = Socket(), asyncio.Event()
    origin = f"http://127.0.0.1:{port}"
    listener = asyncio.create_task(listen(f"ws://127.0.0.1:{port}/ws/inbox/", cookie, origin, socket, stop))
    connections = Connections("127.0.0.1", port)
    await connections.open(CONNECTIONS)
    await asyncio.sleep(1)
    tag = f"{int(time.time())}"
    results = []
    if args.soak:
        run = Run(rate=0)
        before = cpu_seconds(server)
        await soak(connections, run, args.soak, tag)
        await asyncio.sleep(5)
        run.cpu_seconds = cpu_seconds(server) - before
        results.append(await sync_to_async(summary)(run, socket) | {"soak_s": args.soak, "drops": socket.drops})
    else:
        await send_at_rate(connections, Run(rate=5), 2, f"{tag}w")  # the first requests load what ingest needs
        for rate in args.rates:
            run, frames_before = Run(rate=rate), len(socket.frames)
            before = cpu_seconds(server)
            await send_at_rate(connections, run, args.seconds, f"{tag}r{rate}")
            deadline = time.monotonic() + GRACE_SECONDS
            while time.monotonic() < deadline and len(socket.frames) - frames_before < len(run.due):
                await asyncio.sleep(0.05)
            run.cpu_seconds = cpu_seconds(server) - before
            results.append(await sync_to_async(summary)(run, socket) | {"drops": socket.drops})
    stop.set()
    await listener
    return results


async def soak(connections: Connections, run: Run, seconds: float, tag: str) -> None:
    """Sparse events, 1 to 20 s apart (quiet spells longer than every timeout in the stack), for `seconds`."""
    rng = random.Random(16)
    end, number = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        await asyncio.sleep(rng.uniform(1, 20))
        external_id, body = delivery(number, tag)
        due = time.monotonic()
        run.due[external_id] = due
        if await connections.post(body) == 200:
            run.answered[external_id] = time.monotonic() - due
        else:
            run.failed += 1
        number += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--rates", type=lambda text: [float(rate) for rate in text.split(",")], default=[20.0, 100.0, 300.0]
    )
    parser.add_argument("--soak", type=float, default=0, help="seconds of sparse events on one socket instead")
    args = parser.parse_args()
    start_stack("realtime")
    os.environ["PROMPTLY_FACEBOOK_APP_SECRET"] = APP_SECRET
    cookie = prepare()
    args.port = free_port()
    server = start_server(args.port)
    try:
        results = asyncio.run(bench(args, cookie, psutil.Process(server.pid)))
        baseline = asyncio.run(redis_round_trips())
    finally:
        server.terminate()
        server.wait(timeout=20)
    baseline_p95 = round(percentile(baseline, 0.95) * 1000, 2)
    titles = ["rate/s", "sent", "p50 ms", "p95 ms", "p99 ms", "answer p99 ms", "failed", "lost", "drops"]
    titles += ["server CPU ms / 1,000", "p95 / baseline p95"]
    keys = ["rate", "sent", "p50_ms", "p95_ms", "p99_ms", "answer_p99_ms", "failed", "lost", "drops"]
    keys += ["cpu_ms_per_1000", "ratio"]
    print("| " + " | ".join(titles) + " |")
    print("|" + "|".join("---" for _ in titles) + "|")
    for result in results:
        result["ratio"] = round(float(result["p95_ms"]) / baseline_p95, 2)
        print("| " + " | ".join(str(result[key]) for key in keys) + " |")
    print(
        f"Redis publish to subscriber, round trip: p50 {statistics.median(baseline) * 1000:.2f} ms, "
        f"p95 {baseline_p95} ms"
    )
    last = results[-1]
    figures = ("rate", "p50_ms", "p95_ms", "answer_p99_ms", "lost", "cpu_ms_per_1000")
    line = {"bench": "realtime", **{key: last[key] for key in figures}}
    if args.soak:
        line |= {"soak_s": args.soak, "drops": last["drops"]}
    line |= {"baseline_p95_ms": baseline_p95, "ratio": last["ratio"]}
    print(json.dumps(line))


if __name__ == "__main__":
    main()
