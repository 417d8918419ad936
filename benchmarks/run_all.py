#!/usr/bin/env python
"""Run every benchmark in a quick mode, one after another, and print their headline ratios.

Each benchmark (benchmarks/*.py) measures its own baseline in the same run and prints how
the service compares with it; this runs them in sequence (2 cores: never two at once), each
in its own process with its own time limit, shows their output as it comes, and ends with
one table of the headline figures. Quick mode shrinks the workload, not the method: the
figures are indicative, the full runs (each script on its own, default options) are the
ones to quote.

    .venv/bin/python benchmarks/run_all.py                    # quick mode, every benchmark (make bench)
    .venv/bin/python benchmarks/run_all.py --only chat_load,ws_load
    .venv/bin/python benchmarks/run_all.py --full             # each script's default workload (long)

Exit status: 1 when a benchmark did not run to the end (crashed, timed out, or printed none
of its figures); a benchmark that ran but missed its own target is shown as MISSED and
fails the run only with --strict.

DATABASE_URL and REDIS_URL are removed from the benchmarks' environment unless
--use-env-databases is given: the benchmarks delete and reload orders and demo data, so by
default each uses a throw-away SQLite file and local memory of its own (ops_overhead still
times a Redis on 127.0.0.1:6379/15 when one answers, under its own key prefix).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # `make bench` runs this with the venv's python
# Marks the environment of each benchmark run, so that what it left running can be found.
RUN_MARKER = "BENCH_RUN_ALL_MARKER"


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: no target


@dataclass
class Benchmark:
    name: str
    quick_args: list[str]
    quick_timeout: float  # seconds
    full_timeout: float
    parse: Callable[[str], list[Figure]]
    # Exit codes that mean "ran, missed its own target" (the script printed its verdict).
    target_exit_codes: tuple[int, ...] = ()
    verdict: Callable[[str], bool | None] = field(default=lambda out: None)


def _num(pattern: str, text: str, group: int = 1) -> float | None:
    m = re.search(pattern, text, re.MULTILINE)
    return float(m.group(group)) if m else None


# --- per-benchmark headline figures (from each script's own printed lines) ----------------


def parse_chat_load(out: str) -> list[Figure]:
    figures = []
    m = re.search(r"ratio /chat ÷ bare: throughput ([\d.]+) .*?, p99 ([\d.]+)×", out)
    if m:
        tp, p99 = float(m.group(1)), float(m.group(2))
        figures.append(Figure("POST /chat ÷ bare endpoint: throughput", f"{tp:.2f}", "≥ 0.50", tp >= 0.5))
        figures.append(Figure("POST /chat ÷ bare endpoint: p99 latency", f"{p99:.2f}×", "≤ 4", p99 <= 4))
    m = re.search(r"^\s*POST /chat\s+(\d+) req\s+(\d+) err\s+([\d.]+) req/s", out, re.MULTILINE)
    if m:
        errors = int(m.group(2))
        figures.append(Figure("POST /chat requests/s (errors)", f"{float(m.group(3)):.0f} ({errors})", "0 errors", errors == 0))
    return figures


def parse_ws_load(out: str) -> list[Figure]:
    figures = []
    ratio = _num(r"websocket p99 / POST /chat p99 = ([\d.]+|nan)", out)
    if ratio is not None:
        figures.append(Figure("websocket p99 ÷ POST /chat p99", f"{ratio:.2f}", "≤ 3", ratio <= 3))
    m = re.search(r"connected (\d+)/(\d+) .*?sessions fully answered (\d+)/(\d+)", out)
    if m:
        connected, total, answered = int(m.group(1)), int(m.group(2)), int(m.group(3))
        figures.append(
            Figure(
                "websocket sessions connected / answered",
                f"{connected}/{total} / {answered}/{total}",
                "all",
                connected == total and answered == total,
            )
        )
    peak = _num(r"peak (\d+) MiB", out)
    if peak is not None:
        figures.append(Figure("daphne peak RSS", f"{peak:.0f} MiB"))
    return figures


def parse_ops_overhead(out: str) -> list[Figure]:
    rows = [
        ("request-context middleware: with ÷ without", r"no request context .*ratio ([\d.]+)x"),
        ("JSON log line ÷ stdlib plain line", r"plain stdlib log line .*ratio ([\d.]+)x"),
        ("rate-limit check ÷ cache.get, local memory", r"rate-limit check, local memory .*ratio ([\d.]+)x"),
        ("rate-limit check ÷ cache.get, Redis", r"rate-limit check, Redis .*ratio ([\d.]+)x"),
    ]
    figures = []
    for name, pattern in rows:
        value = _num(pattern, out)
        if value is not None:
            figures.append(Figure(name, f"{value:.2f}×"))
    if "Redis            skipped" in out:
        figures.append(Figure("rate-limit check ÷ cache.get, Redis", "skipped (no Redis)"))
    return figures


def parse_orders_client(out: str) -> list[Figure]:
    figures = []
    for name in ("db cancel", "raw httpx get", "http get", "http cancel"):
        m = re.search(rf"^\s*{re.escape(name)}\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.MULTILINE)
        if m:
            figures.append(Figure(f"{name}: p50 ÷ in-process get p50", f"{float(m.group(3)):.1f}× ({float(m.group(1)):.2f} ms)"))
    overhead = _num(r"HttpOrderClient overhead over a bare httpx GET \(p50\): (-?[\d.]+) ms", out)
    if overhead is not None:
        figures.append(Figure("HttpOrderClient over bare httpx GET (p50)", f"{overhead:+.2f} ms"))
    m = re.search(r"20 concurrent cancels of one order: (\d+) ms wall, (\d+) cancelled, (\d+) already_cancelled", out)
    if m:
        once = m.group(2) == "1"
        figures.append(
            Figure("20 concurrent cancels of one order", f"{m.group(1)} ms, {m.group(2)} cancelled", "1 cancelled", once)
        )
    return figures


def _row(*columns: str) -> re.Pattern[str]:
    """A table row of whitespace-separated columns, each a regex group."""
    return re.compile(r"^\s*" + r"\s+".join(columns) + r"\s*$", re.MULTILINE)


def parse_kb_search(out: str) -> list[Figure]:
    figures = []
    num, count = r"(-?[\d.]+|nan)", r"(\d+)"
    # entries, build s, load s, build RSS, loaded RSS, arrays MB, p50, p99, naive p50, naive p99, speed-up
    for m in _row(count, *[num] * 9, r"([\d.]+)x").finditer(out):
        size, p50, speedup = int(m.group(1)), float(m.group(7)), float(m.group(11))
        figures.append(Figure(f"{size:,} entries: naive scan ÷ index (p50)", f"{speedup:.1f}× (index p50 {p50:.2f} ms)"))
    # entries, plain p50/p99, edit p50/p99/max, reflected %, overlay, swap s, rebuilding n, p50, p99, sync builds
    for m in _row(count, *[num] * 5, r"(\d+)%", count, num, count, num, num, count).finditer(out):
        size, plain_p50, edit_p50, reflected = int(m.group(1)), float(m.group(2)), float(m.group(4)), int(m.group(7))
        ratio = edit_p50 / plain_p50 if plain_p50 else float("nan")
        figures.append(Figure(f"{size:,} entries: first query after an edit ÷ plain (p50)", f"{ratio:.1f}× ({edit_p50:.2f} ms)"))
        figures.append(Figure(f"{size:,} entries: edits reflected at once", f"{reflected}%", "100%", reflected == 100))
    return figures


def _verdict_chat_load(out: str) -> bool | None:
    m = re.search(r"^\s*RESULT: (meets targets|MISSES targets)", out, re.MULTILINE)
    return None if not m else m.group(1) == "meets targets"


def _verdict_ws_load(out: str) -> bool | None:
    m = re.search(r"target <= 3\.00\): (PASS|FAIL)", out)
    return None if not m else m.group(1) == "PASS"


# Quick mode: the workloads shrunk, each run its own way (half a minute to 2.5 min each on 2
# cores; about 5 min in all with the machine busy). Each limit is a few times that.
BENCHMARKS = [
    Benchmark("ops_overhead", ["--n", "2000"], 300, 900, parse_ops_overhead),
    Benchmark("orders_client", ["--calls", "100"], 300, 900, parse_orders_client),
    Benchmark("kb_search", ["--sizes", "1000,10000", "--queries", "300", "--edits", "10"], 600, 3600, parse_kb_search),
    Benchmark("chat_load", ["--sessions", "96"], 420, 1800, parse_chat_load, (1,), _verdict_chat_load),
    Benchmark("ws_load", ["--sessions", "150"], 420, 1800, parse_ws_load, (1,), _verdict_ws_load),
]


@dataclass
class Outcome:
    benchmark: Benchmark
    status: str  # ok | MISSED | FAILED
    seconds: float
    figures: list[Figure]
    reason: str = ""


def run_one(bench: Benchmark, full: bool, env: dict[str, str]) -> Outcome:
    args = [] if full else bench.quick_args
    timeout = bench.full_timeout if full else bench.quick_timeout
    cmd = [PYTHON, "-u", str(ROOT / "benchmarks" / f"{bench.name}.py"), *args]
    marker = uuid.uuid4().hex  # in the environment of everything the benchmark starts
    env = {**env, RUN_MARKER: marker}
    print(f"\n=== {bench.name}: {' '.join(cmd[2:])}  (limit {timeout:.0f} s)", flush=True)
    started = time.perf_counter()
    # A session of its own: on a time-out the whole group (the script and what it started) is stopped.
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, start_new_session=True
    )
    timed_out = threading.Event()

    def stop_on_timeout() -> None:
        if process.poll() is None:
            timed_out.set()
            # SIGINT first: the scripts' `finally` blocks stop the servers they started.
            _signal_group(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal_group(process.pid, signal.SIGKILL)
            reap_leftovers(marker)  # also whatever still holds the output pipe open

    timer = threading.Timer(timeout, stop_on_timeout)
    timer.daemon = True
    timer.start()
    lines = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            print(f"  {line}", end="", flush=True)
        rc = process.wait()
    except KeyboardInterrupt:
        _signal_group(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
        raise
    finally:
        timer.cancel()
        found, running = reap_leftovers(marker)
        if found:
            print(f"  ({bench.name} left {found} process(es) running: stopped, {running} still running)", flush=True)
    seconds = time.perf_counter() - started
    out = "".join(lines)
    figures = bench.parse(out)
    verdict = bench.verdict(out)

    if timed_out.is_set():
        return Outcome(bench, "FAILED", seconds, figures, f"timed out after {timeout:.0f} s")
    if rc != 0 and not (rc in bench.target_exit_codes and verdict is False):
        last = next((ln.strip() for ln in reversed(lines) if ln.strip()), "no output")
        return Outcome(bench, "FAILED", seconds, figures, f"exit {rc}: {last[:160]}")
    if not figures:
        return Outcome(bench, "FAILED", seconds, figures, "none of its figures found in its output")
    missed = verdict is False or any(f.ok is False for f in figures)
    return Outcome(bench, "MISSED" if missed else "ok", seconds, figures)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _processes_marked(marker: str) -> list[int]:
    """Processes whose environment carries ``marker``: the ones a benchmark started."""
    needle = f"{RUN_MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            continue
    return found


def reap_leftovers(marker: str) -> tuple[int, int]:
    """Stop what a benchmark left running (a server in a session of its own, after an
    interrupted run, say): SIGTERM, then SIGKILL 10 s later. Returns (found, still running)."""
    if not Path("/proc/self/environ").exists():
        return 0, 0
    found = _processes_marked(marker)
    remaining = found
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in remaining:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while remaining and time.monotonic() < deadline:
            time.sleep(0.2)
            remaining = [pid for pid in remaining if _alive(pid)]
        if not remaining:
            break
    return len(found), len(remaining)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split(") ", 1)[1].split()[0] != "Z"  # a zombie is as good as gone
    except (OSError, IndexError):
        return False


def print_summary(outcomes: list[Outcome], full: bool) -> None:
    rows = []
    for o in outcomes:
        head = f"{o.benchmark.name} ({o.seconds:.0f} s)"
        if not o.figures:
            rows.append((head, "(no figures)", "", "", ""))
        for i, f in enumerate(o.figures):
            mark = "" if f.ok is None else ("ok" if f.ok else "MISSED")
            rows.append((head if i == 0 else "", f.name, f.value, f.target, mark))
    header = ("benchmark", "figure", "value", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    title = "full workloads" if full else "quick mode: indicative; each script on its own gives the full run"
    print(f"\nSummary ({title}; {os.cpu_count()} CPUs)")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[4]).rstrip())
    print()
    for o in outcomes:
        print(f"{o.benchmark.name:<14} {o.status}" + (f": {o.reason}" if o.reason else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    names = [b.name for b in BENCHMARKS]
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(names)}")
    parser.add_argument("--full", action="store_true", help="each script's default (full) workload")
    parser.add_argument("--strict", action="store_true", help="also exit 1 when a benchmark misses its own target")
    parser.add_argument("--use-env-databases", action="store_true", help="keep DATABASE_URL and REDIS_URL for the benchmarks")
    args = parser.parse_args()

    selected = BENCHMARKS
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
        selected = [b for b in BENCHMARKS if b.name in wanted]

    env = dict(os.environ)
    if not args.use_env_databases:
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    env["PYTHONUNBUFFERED"] = "1"

    outcomes = [run_one(bench, args.full, env) for bench in selected]
    print_summary(outcomes, args.full)
    failed = [o for o in outcomes if o.status == "FAILED"]
    missed = [o for o in outcomes if o.status == "MISSED"]
    if failed or (args.strict and missed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
