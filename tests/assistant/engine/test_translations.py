"""The engine speaks the turn's language: Spanish, German and French replies, dates and
amounts written the language's way, and catalogues in which every phrase is translated.

Each turn runs inside ``translation.override(lang)``, as the transports run it for a
conversation in that language; the customer's words stay English here because the
language is what is under test, not its detection.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation.reloader import translation_file_changed

from assistant.desk.handoff import handoff_claim
from assistant.engine.agents.human_handoff import handoff_open
from assistant.engine.agents.wording import malformed_order_id
from assistant.engine.orchestrator import run_turn
from assistant.engine.state import ConversationState
from assistant.models import Message, MessageRole
from orders.domain import ORDER_ID_FORMAT_HINT
from tests.assistant.engine.fake_orders import FakeOrderClient, order
from tests.assistant.factories import ConversationFactory

pytestmark = pytest.mark.django_db

EMAIL = "sam@example.com"
LANGUAGES = ("es", "de", "fr")
LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
CATALOGUES = {lang: LOCALE_DIR / lang / "LC_MESSAGES" / "django.po" for lang in LANGUAGES}
# French puts a no-break space before ":", "?", "!" and ";".
NBSP = "\u00a0"


def compile_catalogues() -> None:
    """What ``make messages`` does (``pybabel compile``), for a test run without make."""
    for po_path in CATALOGUES.values():
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file)
        # Written whole, then renamed: a test run in parallel never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalogue)
        os.replace(temporary, po_path.with_suffix(".mo"))
    translation_file_changed(sender=None, file_path=Path("django.mo"))  # Django forgets its loaded catalogues


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    compile_catalogues()


class Dialogue:
    """One conversation in ``lang``, turn after turn, against a fake order system."""

    def __init__(self, lang: str, *orders, conversation_id: int | None = None, **client_options):
        self.lang = lang
        self.orders = FakeOrderClient(*orders, **client_options)
        self.state = ConversationState(session_id="translations")
        self.conversation_id = conversation_id

    def say(self, message: str) -> str:
        with translation.override(self.lang):
            return run_turn(
                message=message,
                state=self.state,
                channel="test",
                order_client=self.orders,
                conversation_id=self.conversation_id,
            ).text


def shipped_order():
    return replace(
        order(status="shipped"),
        eta=date(2026, 12, 4),
        carrier="DHL",
        tracking_number="JD0146000012345",
    )


# --- replies in each language ---------------------------------------------------------


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("es", "¿Me podría indicar su número de pedido? Tiene este formato: ORD-1234"),
        ("de", "Könnten Sie mir bitte Ihre Bestellnummer nennen? Sie sieht so aus: ORD-1234"),
        ("fr", f"Pourriez-vous m’indiquer votre numéro de commande{NBSP}? Il se présente ainsi{NBSP}: ORD-1234"),
    ],
)
def test_asking_for_the_order_number_is_in_the_language(lang, expected):
    assert expected in Dialogue(lang, order()).say("I want to cancel my order")


@pytest.mark.parametrize(
    "lang, question, amount",
    [
        ("es", "Para confirmar: ¿quiere que cancele el pedido ORD-4567 (1 × Aura Bluetooth Headphones", "129,00"),
        ("de", "Nur zur Sicherheit: Soll ich die Bestellung ORD-4567 (1 × Aura Bluetooth Headphones", "129,00"),
        ("fr", f"Pour confirmer{NBSP}: voulez-vous que j’annule la commande ORD-4567 (1 × Aura Bluetooth Headphones", "129,00"),
    ],
)
def test_the_cancellation_question_is_in_the_language(lang, question, amount):
    d = Dialogue(lang, order())
    d.say(f"where is ORD-4567? {EMAIL}")
    reply = d.say("ok cancel it then")
    assert question in reply and amount in reply
    assert {"es": "Responda sí o no", "de": "mit Ja oder Nein", "fr": "par oui ou par non"}[lang] in reply
    assert d.orders.cancel_calls == []


@pytest.mark.parametrize(
    "lang, done, refund",
    [
        ("es", "Hecho: he cancelado el pedido ORD-4567 (1 × Aura Bluetooth Headphones).", "El reembolso de 129,00"),
        ("de", "Erledigt: Die Bestellung ORD-4567 (1 × Aura Bluetooth Headphones) ist storniert.", "Den Betrag von 129,00"),
        (
            "fr",
            f"C’est fait{NBSP}: la commande ORD-4567 (1 × Aura Bluetooth Headphones) est annulée.",
            "Le remboursement de 129,00",
        ),
    ],
)
def test_a_successful_cancellation_is_in_the_language(lang, done, refund):
    d = Dialogue(lang, order())
    d.say("I want to cancel my order ORD-4567")
    reply = d.say(EMAIL)
    assert d.orders.cancel_calls == ["ORD-4567"]
    assert done in reply and refund in reply


@pytest.mark.parametrize(
    "lang, pattern",
    [
        ("es", r"El pedido ORD-4567 se realizó el \d{1,2} de [a-z]+ de \d{4} a las \d{1,2}:\d\d \(UTC\), hace más de 24 horas"),
        (
            "de",
            r"Die Bestellung ORD-4567 wurde am \d{1,2}\. [A-Z][a-zä]+ \d{4} um \d\d:\d\d Uhr \(UTC\) aufgegeben, also vor mehr",
        ),
        ("fr", r"La commande ORD-4567 a été passée le \d{1,2} [a-zéû]+ \d{4} à \d\d:\d\d \(UTC\), il y a plus de 24 heures"),
    ],
)
def test_the_over_24_hours_refusal_is_in_the_language(lang, pattern):
    d = Dialogue(lang, order(age=timedelta(hours=30)))
    d.say("I want to cancel my order ORD-4567")
    reply = d.say(EMAIL)
    assert d.orders.cancel_calls == ["ORD-4567"]  # the order system refused it
    assert re.search(pattern, reply), reply


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("es", "El pedido ORD-4567 ya se ha enviado. Estado: enviado. Entrega estimada: viernes, 4 de diciembre de 2026."),
        (
            "de",
            "Die Bestellung ORD-4567 wurde versandt. Status: versandt. Voraussichtliche Zustellung: Freitag, 4. Dezember 2026.",
        ),
        (
            "fr",
            f"La commande ORD-4567 a été expédiée. Statut{NBSP}: expédiée. Livraison prévue{NBSP}: vendredi 4 décembre 2026.",
        ),
    ],
)
def test_a_tracking_answer_and_its_delivery_date_are_in_the_language(lang, expected):
    reply = Dialogue(lang, shipped_order()).say(f"where is ORD-4567? {EMAIL}")
    assert expected in reply
    assert "JD0146000012345" in reply and "DHL" in reply


def test_english_dates_and_amounts_are_written_as_before():
    reply = Dialogue("en", shipped_order()).say(f"where is ORD-4567? {EMAIL}")
    assert reply == (
        "Order ORD-4567 has shipped. Status: shipped. Estimated delivery: Friday, 4 December 2026. "
        "Carrier: DHL, tracking number JD0146000012345."
    )
    d = Dialogue("en", order())
    d.say(f"where is ORD-4567? {EMAIL}")
    assert "(1 × Aura Bluetooth Headphones, total USD 129.00, placed on " in d.say("ok cancel it then")


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("es", "Lo siento, ahora mismo no puedo acceder al sistema de pedidos."),
        ("de", "Es tut mir leid, ich kann das Bestellsystem gerade nicht erreichen."),
        ("fr", "Désolé, je ne parviens pas à joindre le système de commandes pour le moment."),
    ],
)
def test_the_order_system_apology_is_in_the_language(lang, expected):
    d = Dialogue(lang, order(), down=True)
    assert expected in d.say(f"cancel ORD-4567 {EMAIL}")
    assert d.orders.cancel_calls == []


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("es", "Paso esta conversación a una persona de nuestro equipo."),
        ("de", "Ich gebe diese Unterhaltung an jemanden aus unserem Team weiter."),
        ("fr", "Je transmets cette conversation à un membre de notre équipe."),
    ],
)
def test_the_handoff_message_is_in_the_language(lang, expected):
    conversation = ConversationFactory()
    assert expected in Dialogue(lang, conversation_id=conversation.pk).say("I want to talk to a human")


@pytest.mark.parametrize(
    "lang, greeting",
    [
        ("es", "Hola, soy Sam, de nuestro equipo."),
        ("de", "Hallo, hier ist Sam aus unserem Team."),
        ("fr", "Bonjour, ici Sam, de notre équipe."),
    ],
)
def test_the_desks_greeting_is_in_the_customers_language(lang, greeting, django_user_model):
    staff = django_user_model.objects.create_user(username="sam", first_name="Sam", password="pw-12345678", is_staff=True)
    conversation = ConversationFactory(language=lang)
    ticket = handoff_open(conversation_id=conversation.pk, reason="requested")
    handoff_claim(ticket_id=ticket.pk, user=staff)  # the staff member's own language is English
    message = Message.objects.get(conversation=conversation, role=MessageRole.STAFF)
    assert message.content.startswith(greeting)


def test_the_english_order_number_format_is_the_domains():
    with translation.override("en"):
        assert ORDER_ID_FORMAT_HINT in malformed_order_id(["ORD-45"])


# --- the catalogues ---------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([a-z%])")


def placeholders(text: str) -> Counter[tuple[str, str]]:
    return Counter((name or "", kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_entry_is_translated_with_the_same_placeholders(lang):
    with CATALOGUES[lang].open("rb") as po_file:
        catalogue = read_po(po_file)
    assert not catalogue.fuzzy, "the catalogue's header is marked fuzzy"
    entries = [message for message in catalogue if message.id]
    assert entries
    for message in entries:
        assert not message.fuzzy, f"{lang}: fuzzy entry {message.id!r}"
        if message.pluralizable:
            singular, plural = message.id
            forms = message.string
            assert len(forms) == catalogue.num_plurals, f"{lang}: {plural!r} needs {catalogue.num_plurals} forms"
            expected = placeholders(plural)
            assert placeholders(singular) == expected, f"{lang}: {singular!r} and its plural differ"
        else:
            forms = (message.string,)
            expected = placeholders(message.id)
        for form in forms:
            assert form, f"{lang}: {message.id!r} is not translated"
            assert placeholders(form) == expected, f"{lang}: {form!r} does not keep the placeholders of {message.id!r}"


# Django's makemessages keywords, for Babel's extractor.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
SOURCE_DIRS = ("assistant", "core", "config", "orders", "knowledge", "demo")


def test_every_phrase_in_the_code_is_in_each_catalogue():
    """A phrase added to the code without ``makemessages`` (and a translation) fails here."""
    in_code = set()
    for directory in SOURCE_DIRS:
        for _filename, _lineno, message, _comments, context in extract_from_dir(
            settings.BASE_DIR / directory, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            in_code.add((context, message[0] if isinstance(message, tuple) else message))
    assert in_code
    for lang, path in CATALOGUES.items():
        with path.open("rb") as po_file:
            catalogue = read_po(po_file)
        in_catalogue = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalogue if m.id}
        missing = sorted(in_code - in_catalogue, key=str)
        assert not missing, f"{lang}: not in the catalogue (run makemessages and translate): {missing}"
