"""WSGI entry point: the fastest way to serve plain HTTP (see docs/performance.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from core.tracing import configure_tracing  # noqa: E402

configure_tracing()  # spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set

from assistant.warmup import warm_up  # noqa: E402

warm_up()
