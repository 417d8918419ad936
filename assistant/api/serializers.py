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


class ChatReplySerializer(serializers.Serializer):
    response = serializers.CharField()
    agent = serializers.CharField()
    tool_calls = ToolCallSerializer(many=True)
    handover = serializers.CharField()


class FeedbackRequestSerializer(serializers.Serializer):
    session_id = serializers.RegexField(SESSION_ID_PATTERN)
    message_id = serializers.IntegerField(min_value=1)
    rating = serializers.ChoiceField(choices=["up", "down"])
