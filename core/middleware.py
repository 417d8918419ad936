"""Request context: a request ID, a span and one log line per HTTP request.

- ``X-Request-ID`` is taken from the request when it is a sane token (a proxy or the
  client may set one to correlate), otherwise generated; it is returned in the response
  header of the same name and bound to every log line of the request.
- The request runs inside a span (``POST /chat``...), the parent of the engine's
  "chat turn" span; an incoming W3C ``traceparent`` header continues the caller's trace.
  Without an OpenTelemetry SDK (no ``OTEL_EXPORTER_OTLP_ENDPOINT``) the span is a no-op.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from core.logs import bind_request_context, clear_request_context

logger = logging.getLogger("core.request")
tracer = trace.get_tracer("assistant.http")

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and a few separators, bounded: anything else (or a header crafted to
# forge log lines) is replaced by a generated ID.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Probes and scrapes: no request log line (they would drown the rest), but a request ID.
QUIET_PATH_PREFIXES = ("/metrics", "/healthz", "/readyz", "/static/", "/favicon.ico")


def request_id_from(value: str | None) -> str:
    """The incoming request ID when it is acceptable, else a new random one."""
    if value and REQUEST_ID_RE.match(value):
        return value
    return uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        clear_request_context()
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        bind_request_context(request_id=request_id)
        started = time.perf_counter()
        with tracer.start_as_current_span(
            f"{request.method} {request.path}",
            context=propagate.extract(request.headers),
            kind=SpanKind.SERVER,
            attributes={"http.request.method": request.method, "url.path": request.path, "request_id": request_id},
        ) as span:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            if match is not None and match.route and span.is_recording():
                span.update_name(f"{request.method} /{match.route}")
                span.set_attribute("http.route", f"/{match.route}")
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
            if not request.path.startswith(QUIET_PATH_PREFIXES):
                logger.info(
                    "request finished",
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
        response[REQUEST_ID_HEADER] = request_id
        clear_request_context()
        return response
