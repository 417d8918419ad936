"""Tracing through OpenTelemetry: the SDK only when there is somewhere to send spans, and
``span()`` for the code's own spans.

With ``OTEL_EXPORTER_OTLP_ENDPOINT`` set (e.g. ``http://otel-collector:4318``), the
process gets a TracerProvider that batches spans to that collector over OTLP/HTTP
(``/v1/traces``); the service is named by ``OTEL_SERVICE_NAME`` and the exporter reads
the other standard ``OTEL_EXPORTER_OTLP_*`` variables itself. Without it no SDK is
installed: the API's tracers stay no-ops, so the spans in the code cost next to nothing.

``configure_tracing`` is called from config/wsgi.py and config/asgi.py, i.e. once per
server process (after a gunicorn fork, never before it, so the exporter's thread belongs
to the worker).
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from typing import Iterator

from opentelemetry import trace

logger = logging.getLogger(__name__)
# The spans of each chat turn (the engine, its agents and tools, the websocket).
tracer = trace.get_tracer("assistant")

DEFAULT_SERVICE_NAME = "customer-service-assistant"


def build_tracer_provider(environ=os.environ):
    """A TracerProvider exporting over OTLP/HTTP, or None when no endpoint is configured."""
    endpoint = (environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or "").strip()
    if not endpoint:
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    service_name = (environ.get("OTEL_SERVICE_NAME") or "").strip() or DEFAULT_SERVICE_NAME
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    traces_endpoint = (environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or "").strip() or (endpoint.rstrip("/") + "/v1/traces")
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_endpoint)))
    return provider


def configure_tracing(environ=os.environ) -> bool:
    """Install the exporting TracerProvider globally when configured; True if it was."""
    provider = build_tracer_provider(environ)
    if provider is None:
        return False
    trace.set_tracer_provider(provider)
    logger.info("OpenTelemetry tracing on", extra={"otlp_endpoint": environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")})
    return True


@contextmanager
def span(name: str, **attributes) -> Iterator[trace.Span]:
    """A span named ``name``; attributes whose value is None or empty are left out.

    With no SDK configured the API's tracer is a no-op, so spans cost next to nothing.
    """
    with tracer.start_as_current_span(name) as current:
        for key, value in attributes.items():
            if value not in (None, ""):
                current.set_attribute(key, value)
        yield current
