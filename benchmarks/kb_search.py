"""FAQ search at scale: index build time, query latency and memory, beside a naive scan.

Generates knowledge bases of 1,000, 10,000 and 100,000 entries (the demo FAQ's questions
recombined with a Zipf-distributed vocabulary of 30,000 words and 2,000 products), builds
the search index the service uses (knowledge.search.index, bm25s underneath), saves and
reloads it (what a restart with an unchanged knowledge base does), and times queries
that customers might type (entry questions with words dropped, shuffled, typos and
filler). The baseline, measured in the same run over the same entries, is a naive scan:
for every entry, count the query's words it contains (pre-tokenised sets), keep the best.

Then, per size, the same entries go into a database and the service's own path is timed
(``knowledge.search.holder``): a query on the unchanged knowledge base (one cache read and
the search), and the first query after a staff edit of one entry (the version re-read
from the database, the changes since the full index found and laid over it, the search),
``--edits`` times in a row, checking that each answer reflects its edit. Edits start the
background rebuild (a child process); the table also gives the time from the last edit
until a full index serves again, and query latency while it rebuilt and swapped in.

The database is a temporary SQLite file, or ``KB_BENCH_DATABASE_URL`` (its FAQ entries are
deleted: give it a scratch database), never the application's own.

    .venv/bin/python benchmarks/kb_search.py [--sizes 1000,10000,100000] [--queries 1000] [--edits 100]
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ENABLE_EMBEDDINGS", "false")
# A scratch database, index directory and local-memory cache: the edit benchmark writes.
_SCRATCH = tempfile.mkdtemp(prefix="kb-bench-")
atexit.register(shutil.rmtree, _SCRATCH, True)
os.environ["DATABASE_URL"] = os.environ.get("KB_BENCH_DATABASE_URL") or f"sqlite:///{_SCRATCH}/kb.sqlite3"
os.environ["KB_INDEX_DIR"] = f"{_SCRATCH}/index"
os.environ["KB_INDEX_RECHECK_SECONDS"] = "3600"  # edits reach searches through the cache clear
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()
import logging  # noqa: E402

logging.disable(logging.INFO)

from knowledge.search.entries import EntryText  # noqa: E402
from knowledge.search.index import KnowledgeIndex, build_index_from_entries  # noqa: E402
from knowledge.search.text import analyse  # noqa: E402
from tests.knowledge.made_up_words import made_up_word  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = set()
    while len(vocab) < size:
        vocab.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 10))))
    return sorted(vocab)


def make_entries(n: int, seed: int = 7) -> list[EntryText]:
    rng = random.Random(seed)
    demo = json.loads((ROOT / "fixtures" / "demo_faq.json").read_text())
    seeds = [d["fields"] for d in demo]
    vocab = make_vocabulary(rng, 30_000)
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05  # Zipf-like word frequencies
    weights /= weights.sum()
    nprng = np.random.default_rng(seed)
    products = [
        " ".join(rng.sample(vocab[:5000], 2)).title() + " " + rng.choice(["Lamp", "Mat", "Case", "Bottle"]) for _ in range(2000)
    ]
    entries = []
    for i in range(n):
        base = seeds[i % len(seeds)]
        extra = nprng.choice(len(vocab), size=70, p=weights)
        words = [vocab[j] for j in extra]
        product = products[i % len(products)] if i % 3 else ""
        question = f"{base['question'].rstrip('?')} {' '.join(words[:4])} {product}?"
        entries.append(
            EntryText(
                id=i + 1,
                question=question,
                answer=base["answer"] + " " + " ".join(words[4:60]),
                category=base["category"],
                product=product,
                keywords=", ".join(words[60:70]),
            )
        )
    return entries


def make_queries(entries: list[EntryText], count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    fillers = ["hi", "please", "thanks", "my", "i", "quick question", "can you tell me"]
    queries = []
    for _ in range(count):
        words = rng.choice(entries).question.rstrip("?").split()
        words = [w for w in words if rng.random() > 0.3] or words
        rng.shuffle(words)
        if rng.random() < 0.3:  # a typo: swap two letters of one word
            k = rng.randrange(len(words))
            w = words[k]
            if len(w) > 4:
                p = rng.randrange(len(w) - 1)
                words[k] = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
        queries.append(" ".join([rng.choice(fillers)] + words))
    return queries


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values), p))


def naive_scan(entry_sets: list[frozenset[str]], query: str) -> int:
    terms = set(analyse(query))
    best, best_score = -1, 0
    for i, terms_of_entry in enumerate(entry_sets):
        score = len(terms & terms_of_entry)
        if score > best_score:
            best, best_score = i, score
    return best


def _loaded_rss_mb(directory: Path) -> float:
    """Memory a freshly started process spends on loading the saved index (what a server holds)."""
    import subprocess

    code = (
        "import sys; sys.argv=['x']; import benchmarks.kb_search as b; import gc; gc.collect(); "
        "before=b.rss_mb(); i=b.KnowledgeIndex.load(b.Path(sys.stdin.readline().strip())); "
        "i.search('how much is shipping', limit=5); gc.collect(); print(b.rss_mb()-before)"
    )
    out = subprocess.run([sys.executable, "-c", code], input=str(directory), capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bench(n: int, query_count: int) -> dict:
    entries = make_entries(n)
    queries = make_queries(entries, query_count)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = build_index_from_entries(entries, fingerprint=f"bench-{n}")
    build_s = time.perf_counter() - started
    gc.collect()
    index_mb = rss_mb() - before
    arrays_mb = (
        sum(
            a.nbytes
            for a in (index.entry_ids, index.product_codes, *index.lexical.retriever.scores.values())
            if hasattr(a, "nbytes")
        )
        / 1e6
    )

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "index"
        started = time.perf_counter()
        index.save(directory)
        save_s = time.perf_counter() - started
        started = time.perf_counter()
        loaded = KnowledgeIndex.load(directory)
        load_s = time.perf_counter() - started
        loaded_mb = _loaded_rss_mb(directory)

    for q in queries[:50]:  # warm the typo/stem caches as a running server would be
        loaded.search(q, limit=5)
    latencies = []
    for q in queries:
        t = time.perf_counter()
        loaded.search(q, limit=5)
        latencies.append((time.perf_counter() - t) * 1000)

    entry_sets = [frozenset(analyse(f"{e.question} {e.keywords} {e.product} {e.category} {e.answer}")) for e in entries]
    naive_queries = queries[: max(20, min(len(queries), 200_000 // max(n, 1)))]
    naive = []
    for q in naive_queries:
        t = time.perf_counter()
        naive_scan(entry_sets, q)
        naive.append((time.perf_counter() - t) * 1000)
    return {
        "entries": n,
        "build_s": build_s,
        "save_s": save_s,
        "load_s": load_s,
        "index_rss_mb": index_mb,
        "loaded_rss_mb": loaded_mb,
        "index_arrays_mb": arrays_mb,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "naive_p50_ms": percentile(naive, 50),
        "naive_p99_ms": percentile(naive, 99),
        "speedup_p50": percentile(naive, 50) / percentile(latencies, 50),
    }


def _edit_word(i: int) -> str:
    """A made-up word per edit, so the query after it can only be answered by the edited entry."""
    return made_up_word(i, syllables=4, vowel="o", prefix="qu")


def bench_edits(entries: list[EntryText], queries: list[str], edits: int) -> dict:
    """Query latency through the service's holder: unchanged, first after an edit, during the rebuild."""
    from knowledge.models import FAQEntry
    from knowledge.search.holder import IndexHolder
    from knowledge.search.overlay import STAMP_MARGIN, OverlayIndex

    FAQEntry.objects.all().delete()
    FAQEntry.objects.bulk_create(
        (
            FAQEntry(
                question=e.question[:500], answer=e.answer, category=e.category, product=e.product, keywords=e.keywords[:500]
            )
            for e in entries
        ),
        batch_size=2000,
    )
    ids = list(FAQEntry.objects.order_by("id").values_list("id", flat=True))
    holder = IndexHolder()
    holder.get()  # the full index, as after a deploy
    # Staff edits come a while after a bulk load. Edits within STAMP_MARGIN of it would each
    # re-read the bulk-loaded rows; after this wait only the first does (in "edit max").
    time.sleep(STAMP_MARGIN.total_seconds() + 1)

    def timed(query: str, limit: int = 5):
        started = time.perf_counter()
        hits = holder.get().search(query, limit=limit)
        return (time.perf_counter() - started) * 1000, hits

    for q in queries[:50]:
        timed(q)
    plain = [timed(q)[0] for q in queries]

    rng = random.Random(5)
    after_edit, overlay_sizes, reflected = [], [], 0
    for i in range(edits):
        entry = FAQEntry.objects.get(pk=rng.choice(ids))
        word = _edit_word(i)
        entry.answer = f"{entry.answer} (updated)"
        entry.keywords = f"{entry.keywords}, {word}"
        entry.save()
        latency, hits = timed(f"{word} {entry.question}")
        after_edit.append(latency)
        reflected += bool(hits) and hits[0].entry_id == entry.pk
        index = holder.get()
        overlay_sizes.append(index.change_count if isinstance(index, OverlayIndex) else 0)

    last_edit = time.perf_counter()
    during = []
    k = 0
    while holder.rebuilding or isinstance(holder.get(), OverlayIndex):
        during.append(timed(queries[k % len(queries)])[0])
        k += 1
        if time.perf_counter() - last_edit > 900:
            raise RuntimeError("the background rebuild did not swap in within 15 minutes")
    swap_s = time.perf_counter() - last_edit
    holder.wait_for_rebuild()
    return {
        "plain_p50_ms": percentile(plain, 50),
        "plain_p99_ms": percentile(plain, 99),
        "edit_p50_ms": percentile(after_edit, 50),
        "edit_p99_ms": percentile(after_edit, 99),
        "edit_max_ms": max(after_edit),
        "reflected": reflected / max(edits, 1),
        "overlay_max": max(overlay_sizes, default=0),
        "swap_s": swap_s,
        "during_count": len(during),
        "during_p50_ms": percentile(during, 50) if during else float("nan"),
        "during_p99_ms": percentile(during, 99) if during else float("nan"),
        "full_builds": holder.builds_on_search,
        "background_builds": holder.builds_in_background,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=100, help="edits per size (0: skip the edit benchmark)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"FAQ search benchmark ({os.cpu_count()} cores, lexical index, {args.queries} queries per size)")
    header = (
        f"{'entries':>8} {'build s':>8} {'load s':>7} {'build RSS MB':>12} {'loaded RSS MB':>13} {'arrays MB':>9} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'naive p50':>10} {'naive p99':>10} {'speed-up':>9}"
    )
    print(header)
    for size in sizes:
        r = bench(size, args.queries)
        print(
            f"{r['entries']:>8} {r['build_s']:>8.2f} {r['load_s']:>7.2f} {r['index_rss_mb']:>12.0f} {r['loaded_rss_mb']:>13.0f} {r['index_arrays_mb']:>9.1f} "
            f"{r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} {r['naive_p50_ms']:>10.2f} {r['naive_p99_ms']:>10.2f} {r['speedup_p50']:>8.1f}x",
            flush=True,
        )
    if args.edits <= 0:
        return
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(
        f"\nEdit one entry, then query ({connection.vendor}, {args.edits} edits per size; "
        "through the holder: cache read + index, the first query after an edit also finds and indexes the change)"
    )
    print(
        f"{'entries':>8} {'plain p50':>9} {'plain p99':>9} {'edit p50':>9} {'edit p99':>9} {'edit max':>9} "
        f"{'reflected':>9} {'overlay':>7} {'swap s':>7} {'rebuilding: n':>13} {'p50':>6} {'p99':>6} {'sync builds':>11}"
    )
    for size in sizes:
        entries = make_entries(size)
        r = bench_edits(entries, make_queries(entries, args.queries), args.edits)
        print(
            f"{size:>8} {r['plain_p50_ms']:>9.2f} {r['plain_p99_ms']:>9.2f} "
            f"{r['edit_p50_ms']:>9.2f} {r['edit_p99_ms']:>9.2f} "
            f"{r['edit_max_ms']:>9.2f} {r['reflected']:>9.0%} {r['overlay_max']:>7} {r['swap_s']:>7.1f} "
            f"{r['during_count']:>13} {r['during_p50_ms']:>6.2f} {r['during_p99_ms']:>6.2f} {r['full_builds']:>11}",
            flush=True,
        )


if __name__ == "__main__":
    main()
