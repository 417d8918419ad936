"""The process's current knowledge index, kept in step with the knowledge base.

Per search the holder reads the knowledge-base version (one cache GET; see
:mod:`knowledge.versioning`) and, only when it moved, brings the index up to date:
a small knowledge base is rebuilt on the spot; a large one gets the changed entries laid
over its last full index (:mod:`knowledge.search.overlay`) while a background thread
rebuilds the full index.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connections

from knowledge.search import embeddings as emb
from knowledge.search.index import KnowledgeIndex, load_or_build
from knowledge.search.overlay import kb_changes, overlay_index
from knowledge.search.rebuild import rebuild_in_child
from knowledge.search.source import kb_fingerprint_from_db
from knowledge.versioning import kb_fingerprint_cached, kb_fingerprint_store

logger = logging.getLogger(__name__)


class IndexHolder:
    """The process's current index, re-checked against the knowledge-base version per search.

    When the version moves, a knowledge base of fewer than ``KB_INDEX_OVERLAY_MIN_ENTRIES``
    entries is rebuilt on the spot (milliseconds). From that size on the last full index
    stays: the changed entries are indexed beside it (an
    :class:`~knowledge.search.overlay.OverlayIndex`, milliseconds), and one background
    thread per process has the full index rebuilt and saved (in a child process, see
    :mod:`knowledge.search.rebuild`), loads it and swaps it in.
    """

    def __init__(self):
        self._index: KnowledgeIndex | None = None  # what searches use
        self._base: KnowledgeIndex | None = None  # the last full index
        self._known = None  # KnowledgeChanges: how the knowledge base differs from _base, as last looked up
        self._lock = threading.Lock()
        self._last_db_check = 0.0
        self._rebuilder: threading.Thread | None = None
        self._rebuilding = False
        self._generation = 0  # reset() drops what a rebuild started before it produces
        # Full indexes built or loaded by a search (which waits for it), and by the background rebuild.
        self.builds_on_search = 0
        self.builds_in_background = 0

    def current_fingerprint(self) -> str:
        fingerprint = kb_fingerprint_cached()
        recheck = float(getattr(settings, "KB_INDEX_RECHECK_SECONDS", 2.0))
        now = time.monotonic()
        if fingerprint is None or now - self._last_db_check >= recheck:
            from_db = kb_fingerprint_from_db()
            self._last_db_check = now
            if from_db != fingerprint:
                kb_fingerprint_store(from_db)
            fingerprint = from_db
        return fingerprint

    def get(self) -> KnowledgeIndex:
        fingerprint = self.current_fingerprint()
        index = self._index
        if index is not None and index.fingerprint == fingerprint:
            return index
        with self._lock:
            if self._index is None or self._index.fingerprint != fingerprint:
                self._index = self._refreshed(fingerprint)
            return self._index

    def _refreshed(self, fingerprint: str) -> KnowledgeIndex:
        base = self._base
        if base is not None and base.fingerprint == fingerprint:
            return base
        if base is None or not self._overlay_fits(base):
            base = load_or_build(fingerprint)
            self.builds_on_search += 1
            self._base, self._known = base, self._settled(base)
            return base
        started = time.perf_counter()
        index = overlay_index(base, fingerprint=fingerprint, since=self._known, previous=self._index)
        self._known = index.known_changes
        logger.info(
            "knowledge index: %d change(s) laid over the full index in %.1f ms",
            index.change_count,
            (time.perf_counter() - started) * 1000,
        )
        if index.change_count:
            self._start_rebuild()
        return index

    @staticmethod
    def _overlay_fits(base: KnowledgeIndex) -> bool:
        return (
            len(base) >= int(getattr(settings, "KB_INDEX_OVERLAY_MIN_ENTRIES", 1000))
            and base.watermark > 0
            and (base.vectors is not None) == emb.embeddings_enabled()
        )

    def _settled(self, base: KnowledgeIndex):
        """The knowledge base's changes over a new full index, looked up once so that the next
        edit's look-up starts after the entries written just before it was built (a bulk import)."""
        if not self._overlay_fits(base):
            return None
        try:
            return kb_changes(base, published=None)
        except Exception:
            logger.warning("knowledge index: changes over the new index not looked up", exc_info=True)
            return None

    # --- the background rebuild -------------------------------------------------------

    def _start_rebuild(self) -> None:
        """Start the background rebuild unless one is running (called with the lock held)."""
        if self._rebuilding:
            return
        self._rebuilding = True
        self._rebuilder = threading.Thread(target=self._rebuild, args=(self._generation,), name="kb-index-rebuild", daemon=True)
        self._rebuilder.start()

    def _rebuild(self, generation: int) -> None:
        index = known = None
        try:
            try:
                index = rebuild_in_child()
            except Exception:
                logger.warning("knowledge index: rebuild in a child process failed; building here", exc_info=True)
                # The version is read before the entries, so the index holds at least that version.
                index = load_or_build(kb_fingerprint_from_db(), persist=True)
            known = self._settled(index)
        except Exception:
            logger.exception("knowledge index: background rebuild failed; edits stay laid over the last one")
        finally:
            connections.close_all()  # this thread's own connections
        with self._lock:
            if generation != self._generation:
                return
            self._rebuilding = False
            if index is None:
                return
            self.builds_in_background += 1
            self._base, self._known = index, known
            current = self._index
            # Searches move to the new index at once if it is their version; otherwise the
            # next search lays the few changes since over it (and starts another rebuild).
            self._index = index if current is not None and current.fingerprint == index.fingerprint else None

    @property
    def rebuilding(self) -> bool:
        return self._rebuilding

    def wait_for_rebuild(self, timeout: float | None = None) -> bool:
        """Wait for a running background rebuild; False if it still runs after ``timeout`` seconds."""
        worker = self._rebuilder
        if worker is None:
            return True
        worker.join(timeout)
        return not worker.is_alive()

    def reset(self) -> None:
        with self._lock:
            self._generation += 1
            self._index = self._base = self._known = None
            self._last_db_check = 0.0
            self._rebuilding = False
            self.builds_on_search = self.builds_in_background = 0
            worker, self._rebuilder = self._rebuilder, None
        if worker is not None:
            worker.join(timeout=120)


holder = IndexHolder()
