"""Spanish, German and French customers are understood as English ones are.

Whole turns run on a ``ConversationState`` against the in-memory order client, each inside
``translation.override(lang)`` as the transports run them. The replies may be in any
language, so the tests look at what was done: the agent that answered, the tools called,
the pending request and the orders' state, never at the reply's wording.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import translation

from assistant.engine.agents.tools import ORDER_CANCELLATION, ORDER_TRACKING
from assistant.engine.classifier import MULTILINGUAL_FILE, load_examples, training_examples
from assistant.engine.dialogue import Intent, Slot
from assistant.engine.evaluation import evaluate_routing
from assistant.engine.nlu import understand
from assistant.engine.orchestrator import run_turn
from assistant.engine.state import ConversationState
from core.jsonl import jsonl_rows
from tests.assistant.engine.fake_orders import FakeOrderClient, order

pytestmark = pytest.mark.django_db

EMAIL = "sam@example.com"
LANGUAGES = ("es", "de", "fr")


@dataclass(frozen=True)
class Phrases:
    """What a customer writes in one language, for the turns below."""

    cancel_with_number: str  # names ORD-4567 in the language's own words
    cancel_two: str
    track_with_email: str
    cancel_it: str
    yes: str
    withdraw: str
    negated: str
    track: str
    policy: str
    hello: str
    thanks: str


PHRASES = {
    "es": Phrases(
        cancel_with_number="Hola, quiero cancelar el pedido nº 4567",
        cancel_two="Quiero cancelar los pedidos ORD-4567 y ORD-4549, mi correo es sam@example.com",
        track_with_email="¿Dónde está mi pedido 4567? Mi correo es sam@example.com",
        cancel_it="cancélalo por favor",
        yes="sí",
        withdraw="no, no lo cancele",
        negated="No quiero cancelar el pedido 4567",
        track="¿Cuándo llega mi pedido número 4567?",
        policy="¿Cuál es su política de devoluciones?",
        hello="hola",
        thanks="muchas gracias!",
    ),
    "de": Phrases(
        cancel_with_number="Ich möchte die Bestellung Nr. 4567 stornieren",
        cancel_two="Bitte die Bestellungen ORD-4567 und ORD-4549 stornieren, meine E-Mail ist sam@example.com",
        track_with_email="Wo ist meine Bestellung 4567? Meine E-Mail: sam@example.com",
        cancel_it="bitte stornieren",
        yes="ja",
        withdraw="doch nicht stornieren",
        negated="Ich will die Bestellung 4567 nicht stornieren",
        track="Wann kommt meine Bestellung 4567 an?",
        policy="Wie lange habe ich Zeit, etwas zurückzuschicken?",
        hello="Hallo",
        thanks="vielen Dank!",
    ),
    "fr": Phrases(
        cancel_with_number="Bonjour, je voudrais annuler la commande n°4567",
        cancel_two="Merci d'annuler les commandes ORD-4567 et ORD-4549, mon email est sam@example.com",
        track_with_email="Où est ma commande 4567 ? Mon email est sam@example.com",
        cancel_it="annulez-la svp",
        yes="oui",
        withdraw="non, ne l'annulez pas",
        negated="je ne veux pas annuler la commande 4567",
        track="Quand vais-je recevoir ma commande numéro 4567 ?",
        policy="Quelle est votre politique de retour ?",
        hello="bonjour",
        thanks="merci beaucoup",
    ),
}


class Dialogue:
    """One conversation in ``lang``, turn after turn, against a fake order system."""

    def __init__(self, lang: str):
        self.lang = lang
        self.orders = FakeOrderClient(order("ORD-4567"), order("ORD-4549", product="Summit Water Bottle", total="18.40"))
        self.state = ConversationState(session_id=f"unit-{lang}")

    def say(self, message: str):
        with translation.override(self.lang):
            return run_turn(message=message, state=self.state, channel="test", order_client=self.orders)

    def status(self, order_id: str = "ORD-4567") -> str:
        return self.orders.orders[order_id].status


def tools_of(reply) -> list[str]:
    return [call["tool"] for call in reply.tool_calls]


@pytest.fixture(params=LANGUAGES)
def lang(request) -> str:
    return request.param


# --- a cancellation, with consent --------------------------------------------------------


def test_a_cancel_request_naming_the_order_in_words_checks_identity_then_cancels(lang):
    d, say = Dialogue(lang), PHRASES[lang]
    asked = d.say(say.cancel_with_number)
    assert asked.agent == "OrderCancellationAgent" and asked.outcome == "asked"
    assert d.state.pending.intent == Intent.CANCEL and d.state.pending.order_ids == ("ORD-4567",)
    assert d.orders.cancel_calls == []
    done = d.say(EMAIL)
    assert done.outcome == "cancelled" and ORDER_CANCELLATION in tools_of(done)
    assert d.orders.cancel_calls == ["ORD-4567"] and d.status() == "cancelled"


def test_a_cancel_request_for_two_orders_asks_to_confirm_and_a_yes_cancels_both(lang):
    d, say = Dialogue(lang), PHRASES[lang]
    question = d.say(say.cancel_two)
    assert question.agent == "OrderCancellationAgent" and question.outcome == "asked"
    assert d.state.pending.slot == Slot.CONFIRMATION and d.state.pending.order_ids == ("ORD-4567", "ORD-4549")
    assert d.orders.cancel_calls == []
    done = d.say(say.yes)
    assert done.outcome == "cancelled"
    assert d.orders.cancel_calls == ["ORD-4567", "ORD-4549"]


def test_cancelling_the_order_just_tracked_asks_to_confirm_and_a_yes_cancels(lang):
    d, say = Dialogue(lang), PHRASES[lang]
    tracked = d.say(say.track_with_email)
    assert tracked.agent == "OrderTrackingAgent" and ORDER_TRACKING in tools_of(tracked)
    question = d.say(say.cancel_it)
    assert question.agent == "OrderCancellationAgent" and question.outcome == "asked"
    assert d.state.pending.slot == Slot.CONFIRMATION and d.orders.cancel_calls == []
    done = d.say(say.yes)
    assert done.outcome == "cancelled" and ORDER_CANCELLATION in tools_of(done)
    assert d.orders.cancel_calls == ["ORD-4567"] and d.status() == "cancelled"


def test_a_withdrawal_at_the_confirmation_cancels_nothing(lang):
    d, say = Dialogue(lang), PHRASES[lang]
    d.say(say.track_with_email)
    d.say(say.cancel_it)
    assert d.state.pending.slot == Slot.CONFIRMATION
    withdrawn = d.say(say.withdraw)
    assert withdrawn.outcome == "withdrawn" and withdrawn.tool_calls == []
    assert d.state.pending is None
    # A yes afterwards confirms nothing: there is nothing left to confirm.
    d.say(say.yes)
    assert d.orders.cancel_calls == [] and d.status() == "placed"


@pytest.mark.parametrize(
    "lang, message",
    [("es", "mejor no"), ("es", "ya no"), ("de", "lieber nicht"), ("de", "nein"), ("fr", "finalement non"), ("fr", "non")],
)
def test_a_short_no_while_waiting_for_the_email_withdraws_and_the_email_only_verifies(lang, message):
    d, say = Dialogue(lang), PHRASES[lang]
    d.say(say.cancel_with_number)
    assert d.state.pending.slot == Slot.EMAIL
    assert d.say(message).outcome == "withdrawn" and d.state.pending is None
    verified = d.say(EMAIL)
    assert verified.agent == "IdentityAgent"
    assert d.orders.cancel_calls == [] and d.status() == "placed"


def test_a_negated_cancel_request_starts_nothing(lang):
    d, say = Dialogue(lang), PHRASES[lang]
    reply = d.say(say.negated)
    assert reply.agent != "OrderCancellationAgent"
    assert d.state.pending is None or d.state.pending.intent != Intent.CANCEL
    d.say(EMAIL)
    d.say(say.yes)
    assert d.orders.cancel_calls == [] and d.status() == "placed"


# --- routing -------------------------------------------------------------------------------


def test_a_tracking_question_goes_to_tracking(lang):
    d = Dialogue(lang)
    reply = d.say(PHRASES[lang].track)
    assert reply.agent == "OrderTrackingAgent" and reply.intent == "track"
    assert d.state.pending.intent == Intent.TRACK and d.state.pending.order_ids == ("ORD-4567",)


def test_a_policy_question_goes_to_the_product_agent(lang):
    reply = Dialogue(lang).say(PHRASES[lang].policy)
    assert reply.agent == "ProductQAAgent" and reply.intent == "product"


def test_hello_and_thanks_are_small_talk_and_never_unanswered(lang):
    d = Dialogue(lang)
    for message in (PHRASES[lang].hello, PHRASES[lang].thanks):
        reply = d.say(message)
        assert reply.agent == "FallbackAgent" and reply.intent == "smalltalk" and reply.outcome == "smalltalk"
    assert d.state.unanswered_streak == 0 and d.state.handoff_status != "waiting"


@pytest.mark.parametrize(
    "message", ["quiero hablar con una persona", "ich möchte mit einem Mitarbeiter sprechen", "je veux parler à un conseiller"]
)
def test_asking_for_a_person_is_a_handoff(message):
    assert understand(message).wants_human


@pytest.mark.parametrize("message", ["¿eres un robot?", "Bist du ein echter Mensch?", "Vous êtes une vraie personne ?"])
def test_asking_whether_it_is_a_bot_is_not_a_handoff(message):
    u = understand(message)
    assert u.asks_what_it_is and not u.wants_human


# --- the words: yes, no, withdrawals, negations, order numbers --------------------------------


@pytest.mark.parametrize(
    "message",
    ["sí", "si", "Sí, por favor", "si, cancélalo", "claro", "vale", "ja", "Ja bitte", "genau", "oui", "oui, allez-y", "d'accord"],
)
def test_a_short_yes_in_each_language_is_a_yes(message):
    u = understand(message)
    assert u.affirmative and not u.negative


@pytest.mark.parametrize(
    "message",
    [
        "si no llega mañana, avíseme",  # "if", not "yes"
        "si je commande aujourd'hui, ça arrive quand",
        "si puedo cambiar la talla",
        "claro que no",
        "ja, aber bitte nicht stornieren",
        "oui mais pas maintenant",
        "sí?",
    ],
)
def test_if_and_a_yes_taken_back_are_no_yes(message):
    assert not understand(message).affirmative


@pytest.mark.parametrize("message", ["no", "nein", "non", "no gracias", "nein danke", "non merci", "nee"])
def test_a_no_in_each_language_is_a_no(message):
    u = understand(message)
    assert u.negative and not u.affirmative


@pytest.mark.parametrize("message", ["no me ha llegado el pedido", "no encuentro mi pedido", "no sale el seguimiento"])
def test_a_spanish_sentence_negated_with_no_is_no_answer(message):
    assert not understand(message).negative


@pytest.mark.parametrize(
    "message",
    [
        "mejor no",
        "ya no",
        "olvídalo",
        "déjalo así",
        "no hace falta",
        "cambié de opinión",
        "me lo quedo",
        "doch nicht",
        "lieber nicht",
        "vergiss es",
        "schon gut",
        "ich habe es mir anders überlegt",
        "ich behalte sie",
        "finalement non",
        "laisse tomber",
        "pas la peine",
        "j'ai changé d'avis",
        "je la garde",
    ],
)
def test_withdrawals_in_each_language(message):
    u = understand(message)
    assert u.withdrawal and not u.affirmative and not u.cancel_worded


@pytest.mark.parametrize("message", ["j'ai oublié mon mot de passe", "olvidé mi contraseña", "Passwort vergessen"])
def test_forgetting_a_password_is_no_withdrawal(message):
    assert not understand(message).withdrawal


@pytest.mark.parametrize(
    "message",
    [
        "no, no lo cancele",
        "no quiero cancelar",
        "no lo canceles por favor",
        "no hace falta anularlo",
        "ya no quiero cancelar el pedido",
        "doch nicht stornieren",
        "ich will nicht stornieren",
        "bitte nicht mehr stornieren",
        "Stornieren Sie die Bestellung bitte nicht",
        "non, ne l'annulez pas",
        "n'annulez pas",
        "je ne veux pas annuler",
        "je ne veux plus l'annuler",
        "pas besoin d'annuler",
    ],
)
def test_a_negated_cancellation_is_never_a_cancel_request(message):
    u = understand(message)
    assert u.cancel_negated and not u.cancel_worded and not u.affirmative


@pytest.mark.parametrize(
    "message",
    [
        "ya no lo necesito, cancélalo",
        "no, quiero cancelar",
        "brauche die Uhr nicht mehr, bitte stornieren",
        "bitte stornieren ich brauche es nicht mehr",
        "je n'en ai plus besoin, annulez-la",
    ],
)
def test_a_negation_elsewhere_in_a_cancel_request_does_not_undo_it(message):
    u = understand(message)
    assert u.cancel_worded and not u.cancel_negated


@pytest.mark.parametrize(
    "message",
    [
        "pedido 4567",
        "pedido nº 4567",
        "mi número de pedido es el 4567",
        "Bestellung Nr. 4567",
        "Bestellnummer: 4567",
        "commande n°4567",
        "numéro de commande 4567",
        "ORD-4567",
    ],
)
def test_order_numbers_written_in_words(message):
    assert understand(message).order_ids == ("ORD-4567",)


@pytest.mark.parametrize(
    "message, reference",
    [("cancela el otro", "other"), ("el primero", "first"), ("die letzte Bestellung", "last"), ("les deux", "both")],
)
def test_which_order_in_words(message, reference):
    assert understand(message).order_reference == reference


@pytest.mark.parametrize(
    "message", ["¿Dónde está mi paquete?", "wann kommt meine Bestellung", "où en est ma commande", "suivi de mon colis"]
)
def test_tracking_words_are_tracking_words(message):
    assert understand(message).track_cue


# --- the labelled lines ------------------------------------------------------------------------


def test_the_multilingual_test_split_is_never_trained_on():
    trained = {text for text, _ in training_examples()}
    test = load_examples("test", MULTILINGUAL_FILE, fine=True)
    assert len(test) >= 75
    assert not trained & {text for text, _ in test}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_routing_accuracy_on_each_language_s_test_split_is_at_least_90_percent(lang):
    rows = [
        (row["text"], row["label"]) for _, row in jsonl_rows(MULTILINGUAL_FILE) if row["lang"] == lang and row["split"] == "test"
    ]
    report = evaluate_routing(rows)
    assert report.total >= 25
    assert report.accuracy >= 0.90, report.mistakes


@pytest.mark.parametrize("message", ["yes", "sí", "ja", "oui", "ok, sí"])
def test_a_yes_with_nothing_asked_is_not_an_unanswered_question(message):
    d = Dialogue("en")
    reply = d.say(message)
    assert reply.agent == "FallbackAgent"
    assert not any(call["tool"] == "KnowledgeBaseSearch" for call in reply.tool_calls)
    assert d.state.unanswered_streak == 0
