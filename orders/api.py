"""The order API: the two calls an order system implements for the assistant.

``GET /api/orders/{order_id}`` and ``POST /api/orders/{order_id}/cancel``, authenticated
by ``X-API-Key``. The HTTP order client speaks exactly this, so a shop can point the
assistant at its own system implementing the same two calls (see docs/orders-api.md).
"""

from __future__ import annotations

import logging
from typing import cast

from django.db import DatabaseError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ApplicationError
from core.parsers import JSONParser
from orders.authentication import ApiKeyAuthentication, HasApiKey
from orders.domain import (
    ORDER_ID_FORMAT_HINT,
    IdempotencyKeyReused,
    InvalidOrderId,
    OrderNotFound,
    OrderSystemUnavailable,
    Requester,
    is_valid_order_id,
)
from orders.models import ApiKey
from orders.openapi import CancelOutcomeSerializer, ErrorSerializer, OrderOutputSerializer
from orders.selectors import order_get
from orders.services import order_cancel
from orders.wire import (
    API_KEY_HEADER,
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_KEY_RE,
    INVALID_IDEMPOTENCY_KEY,
    PROCESSED_HEADER,
    REPLAYED_HEADER,
    error_to_dict,
    order_to_dict,
    outcome_to_dict,
)

logger = logging.getLogger(__name__)


def _order_id_checked(order_id: str) -> str:
    if not is_valid_order_id(order_id):
        raise ApplicationError(
            f"order_id: {order_id[:40]!r} is not a valid order ID; expected {ORDER_ID_FORMAT_HINT}.",
            code=InvalidOrderId.code,
        )
    return order_id


_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Malformed order ID, header or body."),
    401: OpenApiResponse(ErrorSerializer, description=f"No {API_KEY_HEADER} header."),
    403: OpenApiResponse(ErrorSerializer, description="The API key is wrong or revoked."),
    404: OpenApiResponse(ErrorSerializer, description="No order with this ID."),
}


class OrderDetailApi(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]

    @extend_schema(
        operation_id="orders_retrieve",
        summary="An order's status, placed time, ETA, carrier, tracking number, items and total",
        tags=["orders"],
        responses={200: OrderOutputSerializer, **_ERRORS},
    )
    def get(self, request: Request, order_id: str) -> Response:
        _order_id_checked(order_id)
        try:
            order = order_get(order_id=order_id)
        except OrderNotFound:
            raise exceptions.NotFound(f"No order {order_id}.") from None
        return Response(order_to_dict(order))


class OrderCancelApi(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKey]
    parser_classes = [JSONParser]  # too-deep JSON is a 400 too

    class InputSerializer(serializers.Serializer[None]):  # reads a request body; no instance
        requested_by = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            help_text="Who asked, in the caller's words (e.g. 'chat session 8f2c, user 12'); kept in the audit.",
        )

    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order if it was placed less than 24 hours ago and has not shipped",
        description=(
            f"Safe to retry: a request with an {IDEMPOTENCY_HEADER} already used by this API key for "
            f"this order returns the first answer (with `{REPLAYED_HEADER}: true`) and does "
            "nothing more. Concurrent requests cancel at most once; the others answer "
            f"`already_cancelled`. A 503 with `{PROCESSED_HEADER}: false` promises that "
            "nothing changed."
        ),
        tags=["orders"],
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                location=OpenApiParameter.HEADER,
                required=True,
                description="1 to 255 printable ASCII characters, unique per cancel attempt (e.g. a UUID).",
            )
        ],
        request=InputSerializer,
        responses={
            200: CancelOutcomeSerializer,
            **_ERRORS,
            503: OpenApiResponse(ErrorSerializer, description="The order store is busy; nothing was changed."),
        },
        examples=[OpenApiExample("From the assistant", value={"requested_by": "chat session 8f2c"}, request_only=True)],
    )
    def post(self, request: Request, order_id: str) -> Response:
        _order_id_checked(order_id)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not IDEMPOTENCY_KEY_RE.fullmatch(key):
            raise ApplicationError(
                f"{IDEMPOTENCY_HEADER}: send a header of 1 to 255 printable ASCII characters without spaces "
                "(for example a UUID), unique per cancel attempt.",
                code=INVALID_IDEMPOTENCY_KEY,
            )
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["The body must be a JSON object."]})
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        api_key = cast(ApiKey, request.auth)  # HasApiKey lets only a request with an ApiKey through
        requester = Requester(
            channel="api",
            api_key_id=api_key.pk,
            api_key_name=api_key.name,
            requested_by=serializer.validated_data.get("requested_by", ""),
        )
        try:
            outcome = order_cancel(order_id=order_id, requester=requester, idempotency_key=key)
        except OrderNotFound:
            raise exceptions.NotFound(f"No order {order_id}.") from None
        except IdempotencyKeyReused as exc:
            raise ApplicationError(
                f"{IDEMPOTENCY_HEADER}: this key was already used for another order; use a new key.",
                code=exc.code,
            ) from None
        except DatabaseError:
            # The transaction rolled back (e.g. the database was locked or unreachable):
            # nothing changed, and the header tells the client it may safely retry.
            logger.exception("order cancel failed in the database", extra={"order_id": order_id})
            return Response(
                error_to_dict(OrderSystemUnavailable.code, "The order store is busy; nothing was changed. Retry shortly."),
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={PROCESSED_HEADER: "false", "Retry-After": "1"},
            )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else {}
        return Response(outcome_to_dict(outcome), headers=headers)
