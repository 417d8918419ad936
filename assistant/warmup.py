"""Work a server process does once at start, so the first customer does not wait for it."""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Train the intent classifier, load the language detector and the knowledge-base index.

    Failures are logged, not raised: a server must still start (and report through
    /readyz) when, say, the database is not reachable yet; the work then happens on
    the first turn instead.
    """
    from assistant.engine.classifier import warm_up as warm_up_classifier

    try:
        warm_up_classifier()
    except Exception:
        logger.exception("warm-up: the intent classifier could not be trained")
    try:
        from assistant.language import warm_up as warm_up_language_detection

        warm_up_language_detection()  # about 300 MB and 1-3 s of language models
    except Exception:
        logger.exception("warm-up: the language detector could not be loaded")
    try:
        from knowledge.selectors import faq_search

        faq_search(query="warm up", limit=1)
    except Exception:
        logger.warning("warm-up: the knowledge-base index could not be loaded yet", exc_info=True)
    # The code, the classifier and the index live as long as the process: keep the
    # garbage collector from walking them again (a full pass cost 60-80 ms per request
    # that triggered it on the project's machine).
    gc.collect()
    gc.freeze()
