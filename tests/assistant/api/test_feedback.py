"""Thumbs up/down on a reply, over REST: stored per message, shown in the admin."""

import pytest
from django.urls import reverse

from assistant.models import Feedback, Message

pytestmark = pytest.mark.django_db


TOKENS: dict[str, str] = {}  # session_id -> its secret, as the widget keeps it


def send(client, session_id="fb-1", message="hello"):
    response = client.post("/chat", {"session_id": session_id, "message": message}, content_type="application/json")
    assert response.status_code == 200
    TOKENS[session_id] = response["X-Session-Token"]
    return int(response["X-Message-Id"])


def rate(client, token=None, **body):
    token = TOKENS.get(body.get("session_id"), "") if token is None else token
    return client.post("/chat/feedback", body, content_type="application/json", HTTP_X_SESSION_TOKEN=token)


def test_a_thumbs_down_is_stored_on_the_reply_and_can_be_changed(client):
    message_id = send(client)
    response = rate(client, session_id="fb-1", message_id=message_id, rating="down")
    assert response.status_code == 200
    assert response.json() == {"message_id": message_id, "rating": "down"}
    assert Message.objects.get(pk=message_id).feedback == Feedback.DOWN
    rate(client, session_id="fb-1", message_id=message_id, rating="up")
    assert Message.objects.get(pk=message_id).feedback == Feedback.UP


def test_a_reply_of_another_session_is_not_found(client):
    message_id = send(client, session_id="owner")
    response = rate(client, session_id="someone-else", message_id=message_id, rating="up")
    assert response.status_code == 404
    assert Message.objects.get(pk=message_id).feedback is None


@pytest.mark.parametrize("token", ["", "not-the-token"])
def test_a_reply_cannot_be_rated_with_the_session_id_alone(client, token):
    message_id = send(client, session_id="owner")
    response = rate(client, token=token, session_id="owner", message_id=message_id, rating="down")
    assert response.status_code == 404
    assert Message.objects.get(pk=message_id).feedback is None


def test_the_customers_own_message_cannot_be_rated(client):
    reply_id = send(client)
    response = rate(client, session_id="fb-1", message_id=reply_id - 1, rating="up")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"message_id": 1, "rating": "up"}, "session_id"),
        ({"session_id": "fb-1", "rating": "up"}, "message_id"),
        ({"session_id": "fb-1", "message_id": "1", "rating": "up"}, "message_id"),
        ({"session_id": "fb-1", "message_id": True, "rating": "up"}, "message_id"),
        ({"session_id": "fb-1", "message_id": 1, "rating": "meh"}, "rating"),
    ],
)
def test_bad_feedback_is_a_400_naming_the_field(client, body, field):
    response = rate(client, **body)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_feedback_shows_in_the_conversation_admin(client, staff_client):
    message_id = send(client, session_id="fb-admin")
    rate(client, session_id="fb-admin", message_id=message_id, rating="down")
    conversation = Message.objects.get(pk=message_id).conversation
    html = staff_client.get(reverse("admin:assistant_conversation_change", args=[conversation.pk])).content.decode()
    assert "Thumbs down" in html
