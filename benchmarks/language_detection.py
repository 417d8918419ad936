"""Language detection on chat messages: accuracy (short vs longer, per language) and cost.

Reads benchmarks/language_lines.tsv (lines written for this benchmark: customer-service
messages in each detectable language, and "keep" lines such as "ORD-1234", "ok" or an
email address that must not change a conversation's language) and reports, per language
and per length (short: 1-4 words; longer: 5 or more):

- lingua: how often lingua's best guess alone is right (what a detector without the
  chat rules would do);
- sure/right, unsure, sure/wrong: what ``assistant.language.detect_language`` decides.
  Unsure keeps the conversation's language (cheap); sure/wrong would switch it (costly).
- keep lines: how many would switch an established conversation or be refused as an
  unserved language (both must be 0).

Then the cost: the detector's build time and resident memory, and the time per message.

    .venv/bin/python benchmarks/language_detection.py [--served en,es,de,fr] [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from assistant import language  # noqa: E402

LINES = Path(__file__).with_name("language_lines.tsv")
SHORT_MAX_WORDS = 4


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def read_lines() -> list[tuple[str, str]]:
    rows = []
    for raw in LINES.read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith("#"):
            expected, text = raw.split("\t", 1)
            rows.append((expected, text))
    return rows


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--served", default="en,es,de,fr", help="the shop's languages (SHOP_LANGUAGES)")
    parser.add_argument("--repeat", type=int, default=200, help="timed passes over the lines")
    args = parser.parse_args()
    served = [code.strip() for code in args.served.split(",") if code.strip()]

    before = rss_mb()
    started = time.perf_counter()
    language.warm_up()
    build_seconds = time.perf_counter() - started
    after = rss_mb()

    rows = read_lines()
    # (language, "short"/"longer") -> counters
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    keep = {"lines": 0, "switch": 0, "refused": 0}
    mistakes = []
    for expected, text in rows:
        detection = language.detect_language(text)
        if expected == "keep":
            keep["lines"] += 1
            turn = language.turn_language(message=text, current=served[0], hint="", served=served)
            keep["switch"] += turn.language != served[0]
            keep["refused"] += bool(turn.unserved)
            if turn.language != served[0] or turn.unserved:
                mistakes.append(f"keep: {text!r} -> {turn}")
            continue
        bucket = counts[(expected, "short" if detection.words <= SHORT_MAX_WORDS else "longer")]
        bucket["lines"] += 1
        bucket["lingua"] += detection.language == expected
        if not detection.sure:
            bucket["unsure"] += 1
        elif detection.language == expected:
            bucket["right"] += 1
        else:
            bucket["wrong"] += 1
            mistakes.append(f"{expected}: {text!r} -> {detection.language} {detection.confidence:.2f}")
        # Refusing a served-language message would be the worst mistake of all.
        if expected in served:
            turn = language.turn_language(message=text, current=served[0], hint="", served=served)
            if turn.unserved:
                bucket["refused"] += 1
                mistakes.append(f"{expected}: {text!r} refused as {turn.unserved}")
        else:
            turn = language.turn_language(message=text, current=served[0], hint="", served=served)
            bucket["refused"] += bool(turn.unserved)

    print(f"served: {', '.join(served)}; lines: {len(rows)} ({LINES.name})")
    print()
    header = (
        f"{'lang':5} {'length':7} {'lines':>5} {'lingua':>7} {'sure/right':>11} {'unsure':>7} {'sure/wrong':>11} {'refused':>8}"
    )
    print(header)
    print("-" * len(header))
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code in language.DETECTABLE_LANGUAGES:
        for length in ("short", "longer"):
            bucket = counts.get((code, length))
            if not bucket:
                continue
            n = bucket["lines"]
            group = "served" if code in served else "other"
            for key, value in bucket.items():
                totals[f"{group} {length}"][key] += value
            print(
                f"{code:5} {length:7} {n:5} {bucket['lingua'] / n:7.0%} {bucket['right'] / n:11.0%} "
                f"{bucket['unsure'] / n:7.0%} {bucket['wrong'] / n:11.0%} {bucket['refused']:8}"
            )
    print("-" * len(header))
    for name, bucket in totals.items():
        n = bucket["lines"]
        print(
            f"{name:13} {n:5} {bucket['lingua'] / n:7.0%} {bucket['right'] / n:11.0%} "
            f"{bucket['unsure'] / n:7.0%} {bucket['wrong'] / n:11.0%} {bucket['refused']:8}"
        )
    print()
    print(
        f"keep lines: {keep['lines']}; would switch an established conversation: {keep['switch']}; "
        f"refused as unserved: {keep['refused']}"
    )
    print("('refused' on the other languages: lines that get the polite served-languages reply; on served ones it must be 0)")
    if mistakes:
        print("mistakes:")
        for mistake in mistakes:
            print(f"  {mistake}")

    timings: dict[str, list[float]] = {"short": [], "longer": []}
    texts = [(text, "short" if len(language.message_words(text)) <= SHORT_MAX_WORDS else "longer") for _, text in rows]
    for _ in range(args.repeat):
        for text, length in texts:
            started = time.perf_counter()
            language.detect_language(text)
            timings[length].append(time.perf_counter() - started)
    print()
    print(
        f"detector: built in {build_seconds:.2f} s, resident memory +{after - before:.0f} MB "
        f"({before:.0f} -> {after:.0f} MB), {len(language.DETECTABLE_LANGUAGES)} languages"
    )
    for length, values in timings.items():
        ms = [v * 1000 for v in values]
        print(
            f"detect_language, {length} messages: median {statistics.median(ms):.3f} ms, "
            f"p99 {percentile(ms, 0.99):.3f} ms ({len(ms)} calls)"
        )


if __name__ == "__main__":
    main()
