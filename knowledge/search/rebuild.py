"""The background rebuild of a full index, run in a child process.

Building a large index is seconds to tens of seconds of mostly pure-Python work. In a
thread of the server it holds the GIL for long stretches: at 30,000 entries, searches in
the same process went from a p99 of 3 ms to 200 ms while it ran. So the holder's
background thread runs the build in a child process (``manage.py rebuild_kb_index``),
which reads the knowledge base, saves the index where the server saves indexes
(``KB_INDEX_DIR``) and exits; the thread then loads the saved index (0.2 s at 100,000
entries) and swaps it in. The child's transient memory (several hundred MB at 100,000
entries) goes back to the system when it exits.

The child is an ordinary management command, so Django is set up as in any other
process. The parent passes what may differ from the settings it would read on its own on
stdin as JSON: its database connection settings (so a test database is the same one),
the index directory and the embeddings switch (tests change both).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from knowledge.search import embeddings as emb
from knowledge.search.index import KnowledgeIndex, build_index, index_directory, index_root, load_saved, save_index
from knowledge.search.source import kb_fingerprint_from_db

logger = logging.getLogger(__name__)

COMMAND = "rebuild_kb_index"
READY = "KB_INDEX_READY "
TIMEOUT_SECONDS = 1800


class RebuildError(RuntimeError):
    """The child process did not produce a loadable index."""


def rebuild_in_child(*, timeout: float = TIMEOUT_SECONDS) -> KnowledgeIndex:
    """Build the current knowledge base's full index in a child process, save it, and load it here."""
    payload = {
        "database": dict(connection.settings_dict),
        "index_dir": str(index_root()),
        "embeddings": emb.embeddings_enabled(),
    }
    # The child's metrics would outlive it in a multi-process metrics directory.
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), COMMAND, "--parent-settings"],
        input=json.dumps(payload, default=str),
        capture_output=True,
        text=True,
        cwd=str(settings.BASE_DIR),
        env=env,
        timeout=timeout,
    )
    replies = [line for line in result.stdout.splitlines() if line.startswith(READY)]
    if result.returncode != 0 or not replies:
        raise RebuildError(f"exit status {result.returncode}: {result.stderr.strip()[-2000:]}")
    reply = json.loads(replies[-1][len(READY) :])
    index = load_saved(Path(reply["directory"]))
    if index is None:
        raise RebuildError(f"no loadable index in {reply['directory']}")
    logger.info("knowledge index rebuilt in a child process: %d entries in %.1fs", len(index), time.perf_counter() - started)
    return index


def use_parent_settings(payload: dict) -> None:
    """In the child, before it reads anything: the parent's database, index directory and embeddings switch.

    The connection's settings are replaced in place, as Django's test runner does for the
    worker processes it spawns; the connection opens on first use, with these.
    """
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(payload["database"])
    settings.DATABASES["default"] = connection.settings_dict  # saved indexes are keyed by its NAME
    settings.KB_INDEX_DIR = Path(payload["index_dir"])
    settings.ENABLE_EMBEDDINGS = payload["embeddings"]


def rebuild_and_save() -> dict:
    """In the child: build the current knowledge base's full index and save it.

    Returns the reply the parent reads after :data:`READY`. Raises :class:`RebuildError`
    when the index cannot be saved.
    """
    # The version is read before the entries, so the index holds at least that version.
    fingerprint = kb_fingerprint_from_db()
    directory = index_directory(fingerprint)
    if not (directory / "meta.json").exists():  # another process may have built this version
        if not save_index(build_index(fingerprint=fingerprint), directory):
            raise RebuildError(f"the index could not be saved to {directory}")
    return {"fingerprint": fingerprint, "directory": str(directory)}
