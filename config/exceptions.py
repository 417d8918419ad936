"""One error shape for the whole API, produced by one DRF exception handler.

Every client error is a JSON object ``{"error": code, "message": text, "fields": {...}}``
where ``message`` names the field and the problem in one sentence a developer can act on.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


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
    response = exception_handler(exc, context)
    if response is None:
        return None
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
