"""Which language a chat message is in, and which language the conversation speaks (assistant/language.py)."""

from __future__ import annotations

import pytest

from assistant.engine.chat_input import ChatInputError
from assistant.language import (
    clean_language_hint,
    detect_language,
    turn_language,
    unserved_language_reply,
)

SERVED = ("en", "es", "de", "fr")


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("still waiting", "en"),
        ("good morning", "en"),
        ("the box was damaged", "en"),
        ("do you ship abroad?", "en"),
        ("necesito ayuda", "es"),
        ("¿cuándo llega?", "es"),
        ("quiero un reembolso", "es"),
        ("dónde está mi pedido", "es"),
        ("falsche Größe", "de"),
        ("meine Bestellung", "de"),
        ("ich brauche Hilfe", "de"),
        ("wo ist meine Bestellung", "de"),
        ("merci beaucoup", "fr"),
        ("mauvaise taille", "fr"),
        ("j'ai besoin d'aide", "fr"),
        ("combien coûte la livraison", "fr"),
        ("ho bisogno di aiuto", "it"),
        ("preciso de ajuda", "pt"),
        ("waar is mijn bestelling", "nl"),
        ("potrzebuję pomocy", "pl"),
        ("siparişim nerede", "tr"),
    ],
)
def test_a_short_message_is_recognised_in_its_language(message, language):
    detection = detect_language(message)
    assert detection.sure and detection.language == language


@pytest.mark.parametrize(
    "message",
    [
        "ok",
        "OK!",
        "okay",
        "ORD-1234",
        "ord 4567?",
        "#4567",
        "jo@example.com",
        "👍",
        "🙂🙂",
        "12",
        "?",
        "https://shop.example/p/1",
    ],
)
def test_a_message_without_words_of_a_language_is_never_sure(message):
    assert not detect_language(message).sure


@pytest.mark.parametrize("word", ["no", "super", "Hallo", "merci", "danke", "ciao", "pizza", "smartwatch", "bonjour"])
def test_a_single_word_never_decides_a_language(word):
    assert not detect_language(word).sure


@pytest.mark.parametrize(
    "message",
    [
        "I ordered the blue headphones last week and they still have not arrived",
        "Pedí los auriculares azules la semana pasada y todavía no han llegado",
        "Ich habe letzte Woche die blauen Kopfhörer bestellt und sie sind noch nicht da",
        "J'ai commandé les écouteurs bleus la semaine dernière et ils ne sont pas arrivés",
    ],
)
def test_a_longer_message_is_recognised_with_confidence(message):
    detection = detect_language(message)
    assert detection.sure and detection.confidence >= 0.5


@pytest.mark.parametrize("message", ["ORD-1234", "ok", "👍", "jo@example.com", "no", "danke", "ok ORD-1234"])
def test_the_conversation_keeps_its_language_through_messages_that_do_not_tell(message):
    assert turn_language(message=message, current="es", hint="", served=SERVED).language == "es"


def test_a_clear_message_in_another_served_language_switches_the_conversation():
    turn = turn_language(message="Wo ist meine Bestellung? Ich warte seit einer Woche.", current="es", hint="", served=SERVED)
    assert turn.language == "de" and not turn.unserved


def test_the_hint_decides_a_first_message_that_does_not_tell():
    assert turn_language(message="ORD-1234", current="", hint="fr", served=SERVED).language == "fr"


def test_without_hint_an_unclear_first_message_gets_the_shops_first_language():
    assert turn_language(message="ORD-1234", current="", hint="", served=("de", "en")).language == "de"


def test_the_hint_never_overrides_a_clear_message_in_a_served_language():
    turn = turn_language(message="Where is my order? I placed it last week.", current="", hint="de", served=SERVED)
    assert turn.language == "en"


def test_the_hint_does_not_change_a_conversation_that_has_a_language():
    assert turn_language(message="ok", current="es", hint="de", served=SERVED).language == "es"


def test_a_clear_message_in_an_unserved_language_is_named_and_the_conversation_keeps_its_language():
    turn = turn_language(message="Vorrei annullare il mio ordine, per favore", current="de", hint="", served=SERVED)
    assert turn.unserved == "it"
    assert turn.language == "de"
    assert turn.reply_language == "en"


@pytest.mark.parametrize("message", ["pizza margherita", "grazie mille", "obrigado", "ciao ciao"])
def test_a_few_words_of_an_unserved_language_are_not_refused(message):
    assert not turn_language(message=message, current="en", hint="", served=SERVED).unserved


def test_a_language_the_shop_now_serves_is_no_longer_unserved():
    turn = turn_language(message="Vorrei annullare il mio ordine, per favore", current="en", hint="", served=(*SERVED, "it"))
    assert turn.language == "it" and not turn.unserved


def test_a_conversation_in_a_language_the_shop_stopped_serving_falls_back_to_the_hint():
    assert turn_language(message="ok", current="it", hint="fr", served=SERVED).language == "fr"


@pytest.mark.parametrize(("hint", "code"), [("de", "de"), ("de-AT", "de"), ("FR", "fr"), ("es_ES", "es"), ("", ""), (None, "")])
def test_a_language_hint_is_read_as_a_served_language(hint, code):
    assert clean_language_hint(hint, served=SERVED) == code


@pytest.mark.parametrize("hint", ["it", "it-IT", "xx", "english", "de AT", "d", 42, ["de"]])
def test_a_language_hint_outside_the_shops_languages_is_refused(hint):
    with pytest.raises(ChatInputError) as raised:
        clean_language_hint(hint, served=SERVED)
    assert raised.value.problems[0].field == "language"


def test_the_unserved_language_reply_names_the_languages_served():
    assert unserved_language_reply(SERVED) == "Sorry, I can only help in English, Spanish, German and French."
    assert unserved_language_reply(("de",)) == "Sorry, I can only help in German."


@pytest.mark.parametrize("message, language", [("hola", "es"), ("¡Hola! 👋", "es"), ("Bonjour", "fr"), ("danke", "de")])
def test_a_greeting_of_one_language_opens_a_conversation_in_it(message, language):
    assert turn_language(message=message, current="", hint="", served=SERVED).language == language
    assert turn_language(message=message, current="", hint="en", served=SERVED).language == language


def test_a_greeting_does_not_switch_a_conversation_that_has_a_language():
    assert turn_language(message="hola", current="de", hint="", served=SERVED).language == "de"


def test_a_greeting_of_a_language_the_shop_does_not_serve_changes_nothing():
    assert turn_language(message="bonjour", current="", hint="", served=("en", "de")).language == "en"
