"""Websocket load: many concurrent chat sessions against one daphne process.

Starts daphne on a free loopback port (its own SQLite demo database, or DATABASE_URL /
REDIS_URL when set), then runs the same short conversation for every session twice:

1. baseline: over ``POST /chat`` (one HTTP request per message, all sessions at once);
2. websocket: every session opens ``/ws/chat/<id>/`` (all at once, all held open), then
   sends the conversation; latency is from sending a message to receiving its reply.

Prints the connection success rate, reply latency p50/p99 for both, the ratio of the
websocket p99 to the POST /chat p99 (target: <= 3), and daphne's resident memory.

    .venv/bin/python benchmarks/ws_load.py                 # 1,000 sessions
    .venv/bin/python benchmarks/ws_load.py --sessions 200  # a quicker look

Traffic goes to 127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

import httpx  # noqa: E402
import websockets  # noqa: E402

from tests.live_daphne import live_daphne, prepare_demo_database, server_env  # noqa: E402

CONVERSATION = ("Where is my order ORD-4567?", "alex.morgan@example.com", "What is your return policy?")
REPLY_TIMEOUT = 180.0


def raise_open_files_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def sample_memory(pid: int, peak: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mib(pid))
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
        except asyncio.TimeoutError:
            pass


async def http_phase(base_url: str, sessions: int) -> dict:
    latencies: list[float] = []
    failures = 0
    reasons: dict[str, int] = {}
    limits = httpx.Limits(max_connections=sessions, max_keepalive_connections=sessions)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=REPLY_TIMEOUT) as client:

        async def one_session(index: int) -> None:
            nonlocal failures
            session_id = f"bench-http-{index}-{uuid.uuid4().hex[:8]}"
            headers = {}  # the session's token, from the first reply, continues the conversation
            for message in CONVERSATION:
                started = time.perf_counter()
                try:
                    response = await client.post("/chat", json={"session_id": session_id, "message": message}, headers=headers)
                    reason = "" if response.status_code == 200 else f"HTTP {response.status_code}"
                    if response.headers.get("X-Session-Token"):
                        headers = {"X-Session-Token": response.headers["X-Session-Token"]}
                except httpx.HTTPError as exc:
                    reason = type(exc).__name__
                if reason:
                    failures += 1
                    reasons[reason] = reasons.get(reason, 0) + 1
                    return
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one_session(i) for i in range(sessions)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "failures": failures, "reasons": reasons, "elapsed": elapsed}


async def ws_phase(ws_url: str, origin: str, sessions: int) -> dict:
    latencies: list[float] = []
    connected = 0
    answered_sessions = 0
    errors: dict[str, int] = {}
    all_connected = asyncio.Event()
    arrived = 0

    def arrive() -> None:
        nonlocal arrived
        arrived += 1
        if arrived == sessions:
            all_connected.set()

    async def one_session(index: int) -> None:
        nonlocal connected, answered_sessions
        session_id = f"bench-ws-{index}-{uuid.uuid4().hex[:8]}"
        counted = False
        try:
            async with websockets.connect(
                f"{ws_url}/ws/chat/{session_id}/", origin=origin, open_timeout=120, ping_interval=None, max_queue=None
            ) as socket:
                frame = json.loads(await asyncio.wait_for(socket.recv(), REPLY_TIMEOUT))
                assert frame["type"] == "history"
                connected += 1
                counted = True
                arrive()
                # Every socket is open before any message goes: all sessions held at once.
                await asyncio.wait_for(all_connected.wait(), REPLY_TIMEOUT)
                for message in CONVERSATION:
                    started = time.perf_counter()
                    await socket.send(json.dumps({"type": "message", "message": message}))
                    while True:
                        frame = json.loads(await asyncio.wait_for(socket.recv(), REPLY_TIMEOUT))
                        if frame["type"] == "reply":
                            latencies.append(time.perf_counter() - started)
                            break
                        if frame["type"] == "error":
                            raise RuntimeError(frame["code"])
                answered_sessions += 1
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            name = str(exc) if isinstance(exc, RuntimeError) else type(exc).__name__
            errors[name] = errors.get(name, 0) + 1
            if not counted:
                arrive()

    started = time.perf_counter()
    await asyncio.gather(*(one_session(i) for i in range(sessions)))
    return {
        "latencies": latencies,
        "connected": connected,
        "answered": answered_sessions,
        "errors": errors,
        "elapsed": time.perf_counter() - started,
    }


async def run(args, server) -> int:
    pid = server.process.pid
    idle = rss_mib(pid)
    peak = [idle]
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(pid, peak, stop))

    http = await http_phase(server.http_url, args.sessions)
    after_http = rss_mib(pid)
    ws = await ws_phase(server.ws_url, server.http_url, args.sessions)
    stop.set()
    await sampler
    after_ws = rss_mib(pid)

    n = args.sessions
    turns = n * len(CONVERSATION)
    http_p50, http_p99 = percentile(http["latencies"], 50), percentile(http["latencies"], 99)
    ws_p50, ws_p99 = percentile(ws["latencies"], 50), percentile(ws["latencies"], 99)
    ratio = ws_p99 / http_p99 if http_p99 else float("nan")
    print(f"sessions: {n}, messages per session: {len(CONVERSATION)}, cores: {os.cpu_count()}")
    print(
        f"POST /chat baseline : {len(http['latencies'])}/{turns} answered, failures {http['reasons'] or 'none'}, "
        f"p50 {http_p50 * 1000:.0f} ms, p99 {http_p99 * 1000:.0f} ms, "
        f"{len(http['latencies']) / http['elapsed']:.0f} replies/s"
    )
    print(
        f"websocket           : connected {ws['connected']}/{n} ({100 * ws['connected'] / n:.1f}%), "
        f"sessions fully answered {ws['answered']}/{n}, replies {len(ws['latencies'])}/{turns}, "
        f"p50 {ws_p50 * 1000:.0f} ms, p99 {ws_p99 * 1000:.0f} ms, "
        f"{len(ws['latencies']) / ws['elapsed']:.0f} replies/s, errors {ws['errors'] or 'none'}"
    )
    if args.turn_stats:
        print(
            f"mean reply latency  : http {statistics.fmean(http['latencies']) * 1000:.0f} ms, "
            f"ws {statistics.fmean(ws['latencies']) * 1000:.0f} ms"
        )
    print(
        f"daphne RSS          : idle {idle:.0f} MiB, after HTTP phase {after_http:.0f} MiB, "
        f"peak {peak[0]:.0f} MiB, after websocket phase {after_ws:.0f} MiB"
    )
    ok = ws["connected"] == n and ws["answered"] == n and ratio <= 3.0
    print(f"websocket p99 / POST /chat p99 = {ratio:.2f} (target <= 3.00): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--turn-stats", action="store_true", help="also print mean latencies")
    args = parser.parse_args()

    limit = raise_open_files_limit(4 * args.sessions + 256)
    if limit < 2 * args.sessions + 64:
        print(f"open-files limit {limit} is too low for {args.sessions} sessions", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="ws-load-"))
    try:
        env = server_env(
            DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}",
            REDIS_URL=os.environ.get("REDIS_URL"),
            DJANGO_DEBUG="false",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            LOG_LEVEL="WARNING",
            # Every simulated shopper comes from 127.0.0.1: the per-IP chat limit (meant
            # for one real client) is off; the per-socket flood limit and the
            # per-conversation limit stay on (the benchmark's pace is well inside them).
            CHAT_RATE_LIMIT_IP="off",
            # ...and so is the cap on open sockets per address (0 = no cap).
            CHAT_WS_MAX_CONNECTIONS_PER_IP="0",
        )
        print("preparing the database (migrate + demo data)...", flush=True)
        prepare_demo_database(env)
        with live_daphne(env, workdir) as server:
            return asyncio.run(run(args, server))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
