#!/usr/bin/env python3
"""Run the production topology natively: several daphne processes on several ports,
all on one PostgreSQL database and one Redis (cache, rate limits, session locks,
circuit breaker and channel layer), as docker-compose.yml runs them behind nginx.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/assistant \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
    .venv/bin/python scripts/run_cluster.py --prepare --demo --ports 8001,8002

Any process answers any request of any conversation: a conversation's state lives in
PostgreSQL, its turns are serialised by a lock in Redis. Prints one line
``cluster ready: http://127.0.0.1:8001 http://127.0.0.1:8002`` once every process
answers /readyz; Ctrl-C (or SIGTERM) stops them all. If one process dies, the others are
stopped and the script exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DAPHNE = str(Path(PYTHON).with_name("daphne"))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", default="8001,8002", help="Comma-separated ports, one process each (default 8001,8002).")
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
    parser.add_argument("--prepare", action="store_true", help="Run migrations first.")
    parser.add_argument("--demo", action="store_true", help="Load the demo data (with --prepare).")
    parser.add_argument("--log-dir", type=Path, help="Write each process's log to <log-dir>/app-<port>.log.")
    parser.add_argument("--ready-timeout", type=float, default=90.0, help="Seconds to wait for /readyz.")
    return parser.parse_args(argv)


def check_environment(env: dict[str, str]) -> None:
    problems = []
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        problems.append("DATABASE_URL must be a PostgreSQL URL (SQLite is one file on one machine)")
    if not env.get("REDIS_URL", "").startswith("redis"):
        problems.append("REDIS_URL must be set (the local-memory cache and channel layer are per process)")
    if problems:
        sys.exit("run_cluster: " + "; ".join(problems))


def manage(env: dict[str, str], *args: str) -> None:
    print(f"run_cluster: manage.py {' '.join(args)}", flush=True)
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def start(port: int, host: str, env: dict[str, str], log_dir: Path | None) -> subprocess.Popen:
    output = None
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
        output = open(log_dir / f"app-{port}.log", "ab")  # noqa: SIM115 (lives as long as the process)
    return subprocess.Popen(
        [DAPHNE, "--bind", host, "--port", str(port), "config.asgi:application"],
        cwd=BASE_DIR,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )


def wait_ready(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with status {process.returncode} before it was ready")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}/readyz did not answer 200 within {timeout:.0f} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env["PYTHONUNBUFFERED"] = "1"
    check_environment(env)
    ports = [int(port) for port in args.ports.split(",") if port.strip()]
    if args.prepare:
        manage(env, "migrate", "--noinput")
        if args.demo:
            manage(env, "load_demo")

    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    processes = [start(port, args.host, env, args.log_dir) for port in ports]
    urls = [f"http://{args.host}:{port}" for port in ports]
    try:
        for url, process in zip(urls, processes):
            wait_ready(url, process, args.ready_timeout)
        print("cluster ready: " + " ".join(urls), flush=True)
        while not stopping:
            for url, process in zip(urls, processes):
                if process.poll() is not None:
                    print(f"run_cluster: {url} exited with status {process.returncode}; stopping", flush=True)
                    return 1
            time.sleep(0.5)
        return 0
    except RuntimeError as exc:
        print(f"run_cluster: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
