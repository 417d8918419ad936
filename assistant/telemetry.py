"""Spans for each chat turn, through OpenTelemetry's API.

With no SDK configured the API's tracer is a no-op, so spans cost next to nothing;
``OTEL_EXPORTER_OTLP_ENDPOINT`` turns on export (see config/otel.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from opentelemetry import trace

tracer = trace.get_tracer("assistant")


@contextmanager
def span(name: str, **attributes) -> Iterator[trace.Span]:
    """A span named ``name``; attributes whose value is None or empty are left out."""
    with tracer.start_as_current_span(name) as current:
        for key, value in attributes.items():
            if value not in (None, ""):
                current.set_attribute(key, value)
        yield current
