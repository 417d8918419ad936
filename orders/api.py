"""The order API: the two calls an order system implements for the assistant.

``GET /api/orders/{order_id}`` and ``POST /api/orders/{order_id}/cancel``, authenticated
by ``X-API-Key``. The HTTP order client speaks exactly this, so a shop can point the
assistant at its own system implementing the same two calls (see docs/orders-api.md).
"""

from __future__ import annotations

import logging
import re

from django.db import DatabaseError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.exceptions import ApplicationError
from config.parsers import JSONParser
from orders.authentication import ApiKeyAuthentication, HasApiKey
from orders.clients.base import IdempotencyKeyReused, OrderNotFound, Requester
from orders.clients.codec import order_to_dict, outcome_to_dict
from orders.policies import ORDER_ID_FORMAT_HINT, is_valid_order_id
from orders.selectors import order_get
from orders.services import order_cancel

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# On a 5xx, "false" promises the request changed nothing, so the client may retry a cancel.
PROCESSED_HEADER = "X-Order-Request-Processed"
IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


class OrderItemOutputSerializer(serializers.Serializer):
    product_name = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)


class OrderOutputSerializer(serializers.Serializer):
    order_id = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["placed", "processing", "shipped", "out_for_delivery", "delivered", "cancelled"]
    )
    placed_at = serializers.DateTimeField(help_text="UTC, ISO 8601.")
    cancelled_at = serializers.DateTimeField(allow_null=True)
    eta = serializers.DateField(allow_null=True, help_text="Estimated delivery date.")
    carrier = serializers.CharField(allow_blank=True)
    tracking_number = serializers.CharField(allow_blank=True)
    total = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    customer_name = serializers.CharField()
    customer_email = serializers.EmailField()
    items = OrderItemOutputSerializer(many=True)


def _order_id_checked(order_id: str) -> str:
    if not is_valid_order_id(order_id):
        raise ApplicationError(
            f"order_id: {order_id[:40]!r} is not a valid order ID; expected {ORDER_ID_FORMAT_HINT}.",
            code="invalid_order_id",
        )
    return order_id


_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Malformed order ID, header or body."),
    401: OpenApiResponse(ErrorSerializer, description="No X-API-Key header."),
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
    def get(self, request, order_id: str):
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

    class InputSerializer(serializers.Serializer):
        requested_by = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            help_text="Who asked, in the caller's words (e.g. 'chat session 8f2c, user 12'); kept in the audit.",
        )

    class OutputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=["cancelled", "already_cancelled", "not_cancellable"])
        reason = serializers.CharField(
            allow_blank=True,
            help_text="Why it was refused: window_expired, or the order's status (shipped, delivered...).",
        )
        refunded = serializers.BooleanField()
        order = OrderOutputSerializer()

    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order if it was placed less than 24 hours ago and has not shipped",
        description=(
            "Safe to retry: a request with an Idempotency-Key already used by this API key for "
            "this order returns the first answer (with `Idempotent-Replayed: true`) and does "
            "nothing more. Concurrent requests cancel at most once; the others answer "
            "`already_cancelled`. A 503 with `X-Order-Request-Processed: false` promises that "
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
            200: OutputSerializer,
            **_ERRORS,
            503: OpenApiResponse(ErrorSerializer, description="The order store is busy; nothing was changed."),
        },
        examples=[OpenApiExample("From the assistant", value={"requested_by": "chat session 8f2c"}, request_only=True)],
    )
    def post(self, request, order_id: str):
        _order_id_checked(order_id)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if not IDEMPOTENCY_KEY_RE.fullmatch(key):
            raise ApplicationError(
                f"{IDEMPOTENCY_HEADER}: send a header of 1 to 255 printable ASCII characters without spaces "
                "(for example a UUID), unique per cancel attempt.",
                code="invalid_idempotency_key",
            )
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["The body must be a JSON object."]})
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)

        api_key = request.auth
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
                {"error": "unavailable", "message": "The order store is busy; nothing was changed. Retry shortly."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={PROCESSED_HEADER: "false", "Retry-After": "1"},
            )
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else {}
        return Response(outcome_to_dict(outcome), headers=headers)
