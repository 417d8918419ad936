"""POST /chat and POST /chat/feedback: thin adapters from HTTP to the assistant's services.

``ChatApi`` hands the body's fields to ``assistant.services.chat_turn``, which validates
them; its ``ChatInputError`` becomes the API's 400 in the exception handler (core/exceptions.py).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from assistant.api.authentication import JsonOnlySessionAuthentication
from assistant.api.serializers import ChatReplySerializer, ChatRequestSerializer, FeedbackRequestSerializer
from assistant.engine.chat_input import ChatInputError, clean_session_id
from assistant.engine.locks import SessionBusy
from assistant.feedback import FeedbackError, message_feedback_set
from assistant.ratelimit.throttles import ChatIpThrottle, ChatSessionThrottle, WidgetConfigIpThrottle
from assistant.services import chat_turn
from assistant.sessions import TOKEN_HEADER
from assistant.widget import widget_config, widget_language
from core.client_ip import request_client_ip
from core.parsers import JSONParser


def json_object(data) -> dict:
    """The request body, which must be a JSON object (the fields are the engine's to check)."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["The request body must be a JSON object."]})
    return data


class ChatApi(APIView):
    authentication_classes = [JsonOnlySessionAuthentication]  # anonymous customers, or the shop's logged-in user
    permission_classes = []
    parser_classes = [JSONParser]  # too-deep JSON is a 400 too
    # CHAT_RATE_LIMIT_IP / CHAT_RATE_LIMIT_SESSION, shared with the websocket: 429 + Retry-After.
    throttle_classes = [ChatIpThrottle, ChatSessionThrottle]

    @extend_schema(
        request=ChatRequestSerializer,
        responses={200: ChatReplySerializer},
        parameters=[
            OpenApiParameter(
                TOKEN_HEADER,
                location=OpenApiParameter.HEADER,
                description=(
                    "The session's secret, from the `X-Session-Token` header of the conversation's first reply. "
                    "Without it (or with a wrong one) a `session_id` that is already in use starts a new, "
                    "unverified conversation: nothing of the earlier one is shown or used."
                ),
            ),
            OpenApiParameter(
                TOKEN_HEADER,
                location=OpenApiParameter.HEADER,
                response=[200],
                description=(
                    "Sent when this reply started a conversation (a new `session_id`, or a request without the "
                    "session's token): keep it and send it back with every later message of the conversation."
                ),
            ),
            OpenApiParameter(
                "X-Message-Id",
                type=int,
                location=OpenApiParameter.HEADER,
                response=[200],
                description="The stored reply's id, for `POST /chat/feedback` (absent when the assistant stayed silent).",
            ),
        ],
        examples=[
            OpenApiExample(
                "Cancel an order",
                value={"session_id": "abc123", "message": "I want to cancel my order ORD-4567"},
                request_only=True,
            ),
            OpenApiExample(
                "A first message with the page's language",
                value={"session_id": "abc123", "message": "ORD-4567", "language": "de-DE"},
                request_only=True,
            ),
        ],
        description=(
            "Send one customer message; the assistant answers in the conversation's language (`language`), "
            "naming the agent that did and every tool it called."
        ),
    )
    def post(self, request):
        data = json_object(request.data)
        try:
            reply = chat_turn(
                session_id=data.get("session_id"),
                message=data.get("message"),
                user=request.user,
                channel="api",
                client_ip=request_client_ip(request),
                session_token=request.headers.get(TOKEN_HEADER, ""),
                language=data.get("language"),
            )
        except SessionBusy:
            return Response(
                {"error": "session_busy", "message": "Another message of this session is still being answered; retry shortly."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "1"},
            )
        # The stored reply's id, for POST /chat/feedback; a header keeps the body's contract.
        headers = {"X-Message-Id": str(reply.message_id)} if reply.message_id else {}
        if reply.session_token:
            headers[TOKEN_HEADER] = reply.session_token
        return Response(reply.as_payload(), headers=headers or None)


class ChatFeedbackApi(APIView):
    """Thumbs up or down on one of the assistant's replies."""

    authentication_classes = []
    permission_classes = []
    parser_classes = [JSONParser]
    throttle_classes = [ChatIpThrottle]

    @extend_schema(
        request=FeedbackRequestSerializer,
        responses={
            200: inline_serializer("FeedbackReply", {"message_id": serializers.IntegerField(), "rating": serializers.CharField()})
        },
        parameters=[
            OpenApiParameter(
                TOKEN_HEADER,
                location=OpenApiParameter.HEADER,
                required=True,
                description="The session's secret (see `POST /chat`); without it the reply is not found (404).",
            )
        ],
        description="Rate an assistant reply of this session (`message_id` is the reply's `id` from the websocket, or from the history).",
    )
    def post(self, request):
        data = json_object(request.data)
        errors = {}
        try:
            session_id = clean_session_id(data.get("session_id"))
        except ChatInputError as exc:
            errors["session_id"] = [problem.message for problem in exc.problems]
        message_id = data.get("message_id")
        if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 1:
            errors["message_id"] = ["Must be a positive integer."]
        rating = data.get("rating")
        if rating not in ("up", "down"):
            errors["rating"] = ["Must be 'up' or 'down'."]
        if errors:
            raise ValidationError(errors)
        try:
            message_feedback_set(
                session_id=session_id, token=request.headers.get(TOKEN_HEADER, ""), message_id=message_id, rating=rating
            )
        except FeedbackError as exc:
            if exc.not_found:
                return Response({"error": "not_found", "message": exc.message}, status=status.HTTP_404_NOT_FOUND)
            raise ValidationError({"rating": [exc.message]}) from exc
        return Response({"message_id": message_id, "rating": rating})


class WidgetConfigApi(APIView):
    """The widget's phrases, greeting and suggested questions in the page's language."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [WidgetConfigIpThrottle]
    # The same for every visitor of a language: browsers and CDNs may keep it a while.
    CACHE_SECONDS = 300

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lang",
                description=(
                    "The page's language (`<html lang>`, e.g. `es` or `de-AT`). One the shop does not serve "
                    "(`SHOP_LANGUAGES`), or none, gives English."
                ),
            )
        ],
        responses={
            200: inline_serializer(
                "WidgetConfig",
                {
                    "language": serializers.CharField(),
                    "greeting": serializers.CharField(),
                    "suggestions": serializers.ListField(child=serializers.CharField()),
                    "strings": serializers.DictField(child=serializers.CharField()),
                },
            )
        },
        description=(
            "What the chat widget shows: its phrases (`strings`), the greeting of an empty conversation and the "
            "questions it suggests, which the widget sends as the customer's message when tapped."
        ),
    )
    def get(self, request):
        config = widget_config(language=widget_language(request.query_params.get("lang")))
        return Response(config.as_payload(), headers={"Cache-Control": f"public, max-age={self.CACHE_SECONDS}"})
