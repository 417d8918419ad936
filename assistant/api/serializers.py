"""The bodies of the chat API, for its OpenAPI schema.

Validation is not here: ``chat_turn`` validates the chat input (assistant/engine/chat_input.py,
the one home of the session-ID and message rules, also used by the websocket).
"""

from __future__ import annotations

from rest_framework import serializers

from assistant.engine.chat_input import MESSAGE_MAX_LENGTH, SESSION_ID_MAX_LENGTH, SESSION_ID_PATTERN


class ToolCallSerializer(serializers.Serializer):
    tool = serializers.CharField()
    input = serializers.DictField()
    result = serializers.DictField()


class ChatRequestSerializer(serializers.Serializer):
    session_id = serializers.RegexField(SESSION_ID_PATTERN, max_length=SESSION_ID_MAX_LENGTH)
    message = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)
    language = serializers.CharField(
        required=False,
        help_text=(
            "Optional hint of the customer's language, e.g. the page's `lang` or the browser's language: "
            "one of the shop's languages (`SHOP_LANGUAGES`), a regional tag such as `de-AT` counting as `de`; "
            "any other value is a 400. It decides the conversation's language only when the first message "
            'does not tell ("ORD-1234", "ok"); a message clearly in a served language always wins.'
        ),
    )


class ChatReplySerializer(serializers.Serializer):
    response = serializers.CharField()
    agent = serializers.CharField()
    tool_calls = ToolCallSerializer(many=True)
    handover = serializers.CharField()
    language = serializers.CharField(
        help_text=(
            "The language of `response` (ISO 639-1): the conversation's, kept until the customer clearly writes "
            "in another language the shop serves. A message in a language the shop does not serve is answered "
            "in English (`en`), naming the languages served."
        )
    )


class FeedbackRequestSerializer(serializers.Serializer):
    session_id = serializers.RegexField(SESSION_ID_PATTERN)
    message_id = serializers.IntegerField(min_value=1)
    rating = serializers.ChoiceField(choices=["up", "down"])
