"""Run the project under daphne in a subprocess on a free loopback port.

pytest-django's test database is invisible to another process, so each live server
gets a database of its own: a temporary SQLite file, or (for the cross-process tests)
a PostgreSQL database created for the test and dropped after it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse, urlunparse
from urllib.request import urlopen

BASE_DIR = Path(__file__).resolve().parents[1]
DAPHNE = str(Path(sys.executable).with_name("daphne"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a subprocess server: ours, minus the test-run-only variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.pop("REDIS_URL", None)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env["PYTHONUNBUFFERED"] = "1"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=180)


def prepare_demo_database(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database on the server of ``server_url``; dropped afterwards."""
    import psycopg

    name = f"rt_{uuid.uuid4().hex[:12]}"
    parsed = urlparse(server_url)
    admin_url = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LiveDaphne:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def _wait_until_up(server: LiveDaphne, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"daphne exited with {server.process.returncode}:\n{server.log()}")
        try:
            with urlopen(f"{server.http_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"daphne did not answer within {timeout}s:\n{server.log()}")


@contextmanager
def live_daphne(env: dict[str, str], log_dir: Path, port: int | None = None) -> Iterator[LiveDaphne]:
    """daphne serving config.asgi on 127.0.0.1; stopped (and waited for) on exit."""
    port = port or free_port()
    log_path = log_dir / f"daphne-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            # A listen backlog above Twisted's default of 50, so a burst of connections
            # (the load benchmark opens 1,000 at once) queues instead of being reset.
            [DAPHNE, "-e", f"tcp:port={port}:interface=127.0.0.1:backlog=2048", "config.asgi:application"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveDaphne(process=process, port=port, log_path=log_path)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
