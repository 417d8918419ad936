"""POST /chat speaks the customer's language: the conversation's language, the client's hint,
and the reply to a language the shop does not serve."""

from __future__ import annotations

import pytest
from django.utils import translation

from assistant import services
from assistant.models import Message, MessageRole
from orders.models import Order, OrderStatus
from tests.assistant.conftest import placed_order

pytestmark = pytest.mark.django_db

UNSERVED_REPLY = "Sorry, I can only help in English, Spanish, German and French."


def test_the_reply_names_its_language_beside_the_four_fields(chat):
    body = chat.say("Where is my order? I placed it last week and nothing came.")
    assert body["language"] == "en"
    assert body["response"] and body["agent"] and body["handover"]


def test_a_conversation_keeps_its_language_across_an_order_number_and_ok(chat):
    assert chat.say("¿Dónde está mi pedido? Lo pedí la semana pasada.")["language"] == "es"
    assert chat.say("ORD-1234")["language"] == "es"
    assert chat.say("ok")["language"] == "es"
    assert chat.conversation.language == "es"


def test_a_clear_message_in_another_served_language_switches_the_conversation(chat):
    assert chat.say("¿Dónde está mi pedido? Lo pedí la semana pasada.")["language"] == "es"
    assert chat.say("Wo ist meine Bestellung? Ich warte schon seit einer Woche.")["language"] == "de"
    assert chat.say("ok")["language"] == "de"
    assert chat.conversation.language == "de"


def test_the_hint_decides_a_first_message_that_does_not_tell(chat):
    assert chat.say("ORD-1234", language="fr")["language"] == "fr"
    assert chat.conversation.language == "fr"


def test_a_regional_hint_counts_as_its_language(chat):
    assert chat.say("ok", language="de-AT")["language"] == "de"


def test_the_hint_never_overrides_a_clear_message_in_a_served_language(chat):
    assert chat.say("Where is my order? I placed it last week.", language="de")["language"] == "en"


def test_without_a_hint_an_unclear_first_message_gets_the_shops_first_language(chat, settings):
    settings.SHOP_LANGUAGES = ["es", "en"]
    assert chat.say("ORD-1234")["language"] == "es"


def test_the_turn_runs_in_the_conversations_language(chat, monkeypatch):
    # The engine's phrases are gettext'd: they come out in whatever language is active.
    active = []
    real_run_turn = services.run_turn

    def run_turn(**kwargs):
        active.append(translation.get_language())
        return real_run_turn(**kwargs)

    monkeypatch.setattr(services, "run_turn", run_turn)
    chat.say("Ich möchte wissen, wo meine Bestellung ist.")
    chat.say("ORD-1234")
    assert active == ["de", "de"]


@pytest.mark.parametrize("language", ["it", "xx", "english", 42, ["de"]])
def test_a_language_the_shop_does_not_serve_is_a_400_naming_the_field(client, language):
    response = client.post(
        "/chat", {"session_id": "lang-400", "message": "hello", "language": language}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert set(body["fields"]) == {"language"}
    assert "language" in body["message"]
    assert not Message.objects.exists()


def test_an_unsupported_hint_is_named_with_the_shops_languages(client):
    response = client.post(
        "/chat", {"session_id": "lang-400", "message": "hello", "language": "it"}, content_type="application/json"
    )
    assert "en, es, de, fr" in response.json()["fields"]["language"][0]


def test_every_bad_field_is_named_together_with_the_language(client):
    response = client.post("/chat", {"session_id": "bad id!", "language": "xx"}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"session_id", "message", "language"}


def test_a_message_in_a_language_the_shop_does_not_serve_gets_the_polite_english_reply_and_no_order_action(chat):
    placed_order("ORD-4567", customer_email="ana@example.com")
    chat.say("Hello, I need some help with an order please.")

    body = chat.say("Vorrei annullare il mio ordine ORD-4567, per favore. Grazie mille.")

    assert body["response"] == UNSERVED_REPLY
    assert body["language"] == "en"
    assert body["tool_calls"] == []
    assert Order.objects.get(order_id="ORD-4567").status == OrderStatus.PLACED
    conversation = chat.conversation
    assert conversation.language == "en"
    assert conversation.pending_intent == "" and conversation.last_order_id == ""
    # Staff see what language the customer wrote in.
    assert Message.objects.filter(role=MessageRole.USER, language="it").count() == 1


def test_the_unserved_reply_names_the_shops_own_languages(chat, settings):
    settings.SHOP_LANGUAGES = ["de", "fr"]
    body = chat.say("Vorrei annullare il mio ordine, per favore. Grazie mille.")
    assert body["response"] == "Sorry, I can only help in German and French."


def test_after_an_unserved_message_the_conversation_goes_on_in_its_language(chat):
    chat.say("Bonjour, j'ai une question sur ma commande.")
    chat.say("Vorrei annullare il mio ordine, per favore. Grazie mille.")
    body = chat.say("ORD-1234")
    assert body["language"] == "fr"
    assert body["response"] != UNSERVED_REPLY


def test_the_openapi_schema_documents_the_language_fields(client):
    schema = client.get("/schema", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert "language" in components["ChatReply"]["required"]
    assert "language" in components["ChatRequest"]["properties"]
    assert "language" not in components["ChatRequest"].get("required", [])
