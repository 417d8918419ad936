"""One error shape for the whole API, produced by one DRF exception handler.

Every client error is a JSON object ``{"error": code, "message": text, "fields": {...}}``
where ``message`` names the field and the problem in one sentence a developer can act on.
Server-side failures keep that shape: a database that does not answer is a 503
``service_unavailable`` with ``Retry-After``; anything unexpected a 500 ``internal_error``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

try:  # PostgreSQL's connection pool: waiting longer than DATABASE_POOL_TIMEOUT for a connection
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - psycopg is in the pinned requirements
    PoolTimeout = OperationalError

logger = logging.getLogger(__name__)

# The database cannot be reached (refused, timed out, pool exhausted, connection lost):
# a 503 the client may retry, not a 500. Django wraps the driver's errors in its own.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
# Paths whose errors are JSON even when Django's last-resort handler renders them.
API_PATH_PREFIXES = ("/chat", "/api/")


def database_unavailable_payload() -> dict:
    return {
        "error": "service_unavailable",
        # The chat widget shows ``message`` to the customer: it is translated; the codes are not.
        "message": _("The service cannot reach its database right now; retry in a few seconds."),
        "detail": "database unavailable",
    }


def internal_error_payload() -> dict:
    return {"error": "internal_error", "message": _("Something went wrong on our side; please try again.")}


class ApplicationError(Exception):
    """A business rule refused the request; rendered as a 400 with its code."""

    def __init__(self, message: str, *, code: str = "invalid_request", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


def _flatten(detail: Any, prefix: str = "") -> list[str]:
    if isinstance(detail, dict):
        out: list[str] = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            out.extend(_flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix)))
        return out
    if isinstance(detail, list):
        out = []
        for item in detail:
            out.extend(_flatten(item, prefix))
        return out
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(
            {"error": exc.code, "message": exc.message, **exc.extra},
            status=status.HTTP_400_BAD_REQUEST,
        )
    # A body that is not JSON is as much a client mistake as a malformed one: 400.
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(
            {
                "error": "unsupported_media_type",
                "message": f"Content-Type {exc.detail!s}; send the body as application/json.",
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DATABASE_UNAVAILABLE):
        # One line per request, no traceback: during an outage every request ends here.
        logger.error("API request failed: database unavailable (%s: %s)", exc.__class__.__name__, exc)
        set_rollback()
        return Response(database_unavailable_payload(), status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    response = exception_handler(exc, context)
    if response is None:
        # Anything else unexpected: logged with its traceback, answered in the API's
        # JSON shape (never Django's HTML error page, which an API client cannot read).
        logger.error("API request failed: unhandled %s", exc.__class__.__name__, exc_info=exc)
        set_rollback()
        return Response(internal_error_payload(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "error": "validation_error",
            "message": " ".join(_flatten(exc.detail)),
            "fields": fields,
        }
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"error": "parse_error", "message": f"Malformed JSON body: {exc.detail}"}
    elif isinstance(exc, exceptions.APIException):
        response.data = {"error": exc.default_code, "message": str(exc.detail)}
    return response


def server_error(request, *args, **kwargs):
    """``handler500``: JSON for API paths (an error outside a DRF view), Django's page elsewhere."""
    if request.path.startswith(API_PATH_PREFIXES):
        return JsonResponse(internal_error_payload(), status=500)
    return defaults.server_error(request, *args, **kwargs)
