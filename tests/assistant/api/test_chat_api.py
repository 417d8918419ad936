"""POST /chat's contract: the reply shape, and a clear 400 for every kind of bad input."""

import json

import pytest

from assistant.models import Message

pytestmark = pytest.mark.django_db


def post_raw(client, body, content_type="application/json"):
    return client.post("/chat", body, content_type=content_type)


def test_reply_has_the_four_fields_and_the_handover_trail(client):
    response = post_raw(client, {"session_id": "abc123", "message": "hello"})
    assert response.status_code == 200
    body = response.json()
    assert body["agent"] == "FallbackAgent"
    assert body["handover"] == "OrchestratorAgent → FallbackAgent"
    assert body["tool_calls"] == []
    assert body["response"]


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"message": "hi"}, "session_id", "required"),
        ({"session_id": "abc"}, "message", "required"),
        ({"session_id": 123, "message": "hi"}, "session_id", "string"),
        ({"session_id": "abc", "message": 42}, "message", "string"),
        ({"session_id": "abc", "message": ["hi"]}, "message", "string"),
        ({"session_id": "abc", "message": {"text": "hi"}}, "message", "string"),
        ({"session_id": "abc", "message": None}, "message", "required"),
        ({"session_id": "abc", "message": "   "}, "message", "empty"),
        ({"session_id": "abc", "message": "x" * 2001}, "message", "2000"),
        ({"session_id": "", "message": "hi"}, "session_id", "128"),
        ({"session_id": "a" * 129, "message": "hi"}, "session_id", "128"),
        ({"session_id": "bad id!", "message": "hi"}, "session_id", "letters"),
        ({"session_id": "ünïcode", "message": "hi"}, "session_id", "letters"),
    ],
)
def test_invalid_fields_get_a_400_naming_the_field(client, body, field, words):
    response = post_raw(client, body)
    assert response.status_code == 400
    payload = response.json()
    assert field in payload["fields"]
    assert field in payload["message"]
    assert words in payload["message"]


def test_a_message_of_exactly_2000_characters_after_trimming_is_accepted(client):
    response = post_raw(client, {"session_id": "long-1", "message": "  " + "a" * 2000 + "  "})
    assert response.status_code == 200


def test_an_empty_body_names_both_missing_fields(client):
    response = post_raw(client, "")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"session_id", "message"}


@pytest.mark.parametrize("raw", ["{not json", "[1, 2", '{"session_id": "a", "message": "hi"'])
def test_malformed_json_is_a_400(client, raw):
    response = post_raw(client, raw)
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]


@pytest.mark.parametrize("raw", ['["session_id", "message"]', '"just a string"', "42", "null"])
def test_a_body_that_is_not_an_object_is_a_400(client, raw):
    response = post_raw(client, raw)
    assert response.status_code == 400
    assert "object" in response.json()["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_wrong_content_type_is_a_400(client, content_type):
    response = post_raw(client, json.dumps({"session_id": "a", "message": "hi"}), content_type=content_type)
    assert response.status_code == 400
    assert "application/json" in response.json()["message"]


def test_get_is_not_allowed(client):
    assert client.get("/chat").status_code == 405


def test_bad_input_stores_nothing(client):
    post_raw(client, {"session_id": "abc", "message": ""})
    assert Message.objects.count() == 0


@pytest.mark.parametrize("message", ["🙂🙂🙂", "заказ отменить", "キャンセルしたい", "\u200b\u200bhi", "ORD-" + "9" * 500])
def test_odd_but_valid_messages_are_answered(client, message):
    response = post_raw(client, {"session_id": "odd", "message": message})
    assert response.status_code == 200
    assert response.json()["response"]
