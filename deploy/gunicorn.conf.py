"""gunicorn for plain HTTP, when it is split from websockets (docs/operations.md):

    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus gunicorn -c deploy/gunicorn.conf.py config.wsgi

WSGI workers serve plain HTTP several times faster than daphne on the same cores
(docs/performance.md); daphne keeps /ws/. With several workers in one container each has
its own metrics, so prometheus_client's multi-process mode aggregates them:
PROMETHEUS_MULTIPROC_DIR must be an empty directory the workers can write.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
accesslog = None  # core.middleware writes one structured line per request


def child_exit(server, worker):
    # A dead worker's live gauges (websocket connections...) must stop counting.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
