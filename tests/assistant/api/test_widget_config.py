"""GET /chat/widget-config: the widget's words, greeting and suggested questions in the page's language."""

from __future__ import annotations

import pytest
from django.test import override_settings

from knowledge.models import FAQEntry
from tests.assistant.engine.test_translations import compile_catalogues

pytestmark = pytest.mark.django_db

URL = "/chat/widget-config"
NBSP = "\u00a0"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    compile_catalogues()


def config(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("lang", "greeting", "suggestions", "send", "placeholder"),
    [
        ("en", "Hello! I can track", ["Where is my order?", "Cancel an order"], "Send", "Type your message…"),
        ("es", "¡Hola! Puedo consultar", ["¿Dónde está mi pedido?", "Cancelar un pedido"], "Enviar", "Escriba su mensaje…"),
        (
            "de",
            "Hallo! Ich kann Ihre Bestellung",
            ["Wo ist meine Bestellung?", "Eine Bestellung stornieren"],
            "Senden",
            "Geben Sie Ihre Nachricht ein…",
        ),
        (
            "fr",
            f"Bonjour{NBSP}! Je peux",
            [f"Où est ma commande{NBSP}?", "Annuler une commande"],
            "Envoyer",
            "Saisissez votre message…",
        ),
    ],
)
def test_the_widget_speaks_each_served_language(client, lang, greeting, suggestions, send, placeholder):
    body = config(client, lang=lang)
    assert body["language"] == lang
    assert body["greeting"].startswith(greeting)
    assert body["suggestions"] == suggestions  # no FAQ entries yet
    assert body["strings"]["send"] == send
    assert body["strings"]["placeholder"] == placeholder


def test_every_phrase_of_the_widget_is_translated(client):
    english = config(client, lang="en")["strings"]
    for lang in ("es", "de", "fr"):
        strings = config(client, lang=lang)["strings"]
        assert strings.keys() == english.keys()
        # Words that are the same in the language ("Agent", "Details", "Assistant") are the only ones left.
        same = {key for key in english if strings[key] == english[key]}
        assert same <= {"agent", "details", "assistant", "conversation"}, (lang, same)
        assert "%(status)s" in strings["error_status"]


def test_a_regional_tag_counts_as_its_language(client):
    assert config(client, lang="de-AT")["language"] == "de"
    assert config(client, lang="es_MX")["language"] == "es"


@pytest.mark.parametrize("lang", ["it", "pt-BR", "", "e", "xx-YY-ZZ", "../../etc/passwd", "es\x00", "<script>", "x" * 5000, "🙂"])
def test_an_unserved_or_garbled_language_gets_english(client, lang):
    body = config(client, lang=lang)
    assert body["language"] == "en"
    assert body["strings"]["send"] == "Send"


def test_no_language_gets_english(client):
    assert config(client)["language"] == "en"


@override_settings(SHOP_LANGUAGES=["es", "en"])
def test_a_language_the_shop_has_stopped_serving_gets_english(client):
    assert config(client, lang="de")["language"] == "en"
    assert config(client, lang="es")["language"] == "es"


def faq(question: str, *, language: str = "es", **fields) -> FAQEntry:
    return FAQEntry.objects.create(question=question, answer="An answer.", language=language, **fields)


def test_the_first_published_shop_wide_questions_of_the_language_are_suggested(client):
    faq("¿Hacen envíos a Canarias?", is_published=False)
    faq("¿Cuánto cuesta el envío?")
    faq("¿Los auriculares Aura son resistentes al agua?", product="Aura Bluetooth Headphones")
    faq("How much does shipping cost?", language="en")
    faq("¿Puedo devolver un producto?")
    faq("¿Aceptan PayPal?")
    assert config(client, lang="es")["suggestions"] == [
        "¿Dónde está mi pedido?",
        "Cancelar un pedido",
        "¿Cuánto cuesta el envío?",
        "¿Puedo devolver un producto?",
    ]
    assert config(client, lang="en")["suggestions"][2:] == ["How much does shipping cost?"]


def test_browsers_may_keep_it_a_while(client):
    response = client.get(URL, {"lang": "es"})
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]


def test_it_needs_no_session_or_login_and_refuses_writes(client):
    assert client.post(URL, {}, content_type="application/json").status_code == 405


@override_settings(CORS_ALLOWED_ORIGINS=["https://shop.example.com"])
def test_an_embedding_shop_may_read_it_across_origins(client):
    response = client.get(URL, {"lang": "fr"}, HTTP_ORIGIN="https://shop.example.com")
    assert response["Access-Control-Allow-Origin"] == "https://shop.example.com"


@override_settings(CHAT_RATE_LIMIT_IP="2/min")
def test_it_is_rate_limited_per_client_apart_from_the_chat(client):
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    refused = client.get(URL)
    assert refused.status_code == 429
    assert "Retry-After" in refused
    # The chat's own allowance is untouched.
    response = client.post("/chat", {"session_id": "w-config", "message": "hi"}, content_type="application/json")
    assert response.status_code == 200
