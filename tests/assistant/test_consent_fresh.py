"""Acceptance tests: "Never act against the customer's word".

Written from the specification only (independent of the engine's training lines and
its other tests). Phrasings are the way customers actually type: casual, lowercase,
typos, extra words. The assertions are on what a customer can see (the reply, broadly)
and on the database (is the order cancelled or not), never on exact wording.

1. Consent: only an explicit, not withdrawn request to cancel *that* order cancels it.
   Negated requests and return / exchange / refund / change requests never do.
2. Confirmation: an explicit request naming the order + the right email cancels at
   once; anything inferred first gets a confirmation question naming the order, its
   items and its total, and only a clear yes cancels.
3. Withdrawal at every step (waiting for order number, email, yes/no) closes the
   request; a question asked in passing does not.
4. The request survives an upset customer (handoff) and two orders in one message.
Also: a message with a lone UTF-16 surrogate is refused with HTTP 400.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from orders.models import Order, OrderStatus
from tests.orders.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db

EMAIL = "alex.morgan@example.com"
FIRST = "ORD-4567"  # placed 1 h ago, cancellable
SECOND = "ORD-4549"  # placed 3 h ago, processing, cancellable, same customer
SHIPPED = "ORD-4512"  # shipped: never cancellable

CANCEL_TOOL = "OrderCancellationAPI"

# What the assistant says when it gives up; a pending request must never end in it.
GENERIC_FAILURES = (
    "can't help with that",
    "can’t help with that",
    "cannot help with that",
    "can't help you with that",
    "can’t help you with that",
    "cannot help you with that",
)


# --------------------------------------------------------------------------------------
# The customer
# --------------------------------------------------------------------------------------


class Customer:
    """One customer talking to ``POST /chat`` with one session.

    Remembers the ``X-Session-Token`` response header when the server sends one and sends
    it back on every later call of the same session.
    """

    def __init__(self, client, session_id: str | None = None):
        self.client = client
        self.session_id = session_id or f"consent-{uuid.uuid4().hex[:12]}"
        self.token: str | None = None
        self.replies: list[dict] = []

    def _headers(self) -> dict:
        return {"HTTP_X_SESSION_TOKEN": self.token} if self.token else {}

    def _remember_token(self, response) -> None:
        token = response.headers.get("X-Session-Token")
        if token:
            self.token = token

    def post_raw(self, raw_body: str):
        response = self.client.post("/chat", raw_body, content_type="application/json", **self._headers())
        self._remember_token(response)
        return response

    def say(self, message: str) -> dict:
        response = self.client.post(
            "/chat",
            {"session_id": self.session_id, "message": message},
            content_type="application/json",
            **self._headers(),
        )
        assert response.status_code == 200, (message, response.status_code, response.content)
        self._remember_token(response)
        body = response.json()
        assert set(body) == {"response", "agent", "tool_calls", "handover", "language"}, body
        self.replies.append(body)
        return body

    def say_and_verify(self, message: str) -> dict:
        """Say something and, if the assistant asks for the email, give it (setup steps)."""
        reply = self.say(message)
        if asks_for_email(reply):
            reply = self.say(EMAIL)
        return reply

    @property
    def cancelled_ids(self) -> list[str]:
        """Order IDs the cancel tool was called for, over every reply of the session."""
        return [
            (call.get("input") or {}).get("orderId")
            for reply in self.replies
            for call in reply["tool_calls"]
            if call["tool"] == CANCEL_TOOL
        ]

    @property
    def transcript(self) -> str:
        return "\n".join(f"[{r['agent']}] {r['response']}" for r in self.replies)


def asks_for_email(reply: dict) -> bool:
    text = reply["response"].lower()
    return "email" in text or "e-mail" in text


def text_of(reply: dict) -> str:
    return reply["response"].lower()


def status_of(order_id: str) -> str:
    return Order.objects.get(order_id=order_id).status


def cancel_calls(reply: dict) -> list[str]:
    return [(c.get("input") or {}).get("orderId") for c in reply["tool_calls"] if c["tool"] == CANCEL_TOOL]


def assert_not_cancelled(customer: Customer, order_id: str = FIRST) -> None:
    assert status_of(order_id) != OrderStatus.CANCELLED, customer.transcript
    assert order_id not in customer.cancelled_ids, customer.transcript


def assert_cancelled(customer: Customer, order_id: str = FIRST) -> None:
    assert status_of(order_id) == OrderStatus.CANCELLED, customer.transcript
    assert order_id in customer.cancelled_ids, customer.transcript


def assert_not_generic_failure(reply: dict) -> None:
    text = text_of(reply)
    assert not any(phrase in text for phrase in GENERIC_FAILURES), reply


def assert_names_order_items_and_total(reply: dict, order_id: str) -> None:
    order = Order.objects.get(order_id=order_id)
    text = text_of(reply)
    assert order_id.lower() in text, reply
    assert any(item.product_name.lower() in text for item in order.items.all()), reply
    assert f"{order.total:.2f}" in text, reply


def assert_confirmation_question(reply: dict, order_id: str) -> None:
    """Names the order, at least one of its items and its total; cancels nothing yet."""
    assert_names_order_items_and_total(reply, order_id)
    assert cancel_calls(reply) == [], reply
    assert status_of(order_id) != OrderStatus.CANCELLED


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture
def orders(db):
    """Two cancellable orders of the same customer and one shipped order."""
    now = timezone.now()
    first = OrderFactory(
        order_id=FIRST,
        customer_name="Alex Morgan",
        customer_email=EMAIL,
        status=OrderStatus.PLACED,
        placed_at=now - timedelta(hours=1),
        total=Decimal("137.45"),
    )
    OrderItemFactory(order=first, product_name="Aura Bluetooth Headphones", quantity=1, unit_price=Decimal("99.95"))
    OrderItemFactory(order=first, product_name="Travel Case", quantity=1, unit_price=Decimal("37.50"))
    second = OrderFactory(
        order_id=SECOND,
        customer_name="Alex Morgan",
        customer_email=EMAIL,
        status=OrderStatus.PROCESSING,
        placed_at=now - timedelta(hours=3),
        total=Decimal("36.80"),
    )
    OrderItemFactory(order=second, product_name="Summit Water Bottle", quantity=2, unit_price=Decimal("18.40"))
    shipped = OrderFactory(
        order_id=SHIPPED,
        customer_name="Alex Morgan",
        customer_email=EMAIL,
        status=OrderStatus.SHIPPED,
        placed_at=now - timedelta(days=2),
        carrier="UPS",
        tracking_number="1Z999AA10123456784",
        total=Decimal("54.20"),
    )
    OrderItemFactory(order=shipped, product_name="Linen Throw Pillow", quantity=2, unit_price=Decimal("27.10"))
    return {"first": first, "second": second, "shipped": shipped}


@pytest.fixture
def customer(client, orders):
    return Customer(client)


@pytest.fixture
def kb(db):
    """The demo shop's FAQ, so that questions asked in passing can be answered."""
    call_command("loaddata", str(Path(settings.BASE_DIR) / "fixtures" / "demo_faq.json"), verbosity=0)


def tracked_first(customer: Customer) -> None:
    """The customer asked where ORD-4567 is and proved it is theirs."""
    reply = customer.say_and_verify(f"hi where is my order {FIRST}??")
    assert FIRST.lower() in customer.transcript.lower(), reply
    assert_not_cancelled(customer)


def tracked_both(customer: Customer) -> None:
    """Two orders discussed: ORD-4549 mentioned first, then ORD-4567."""
    customer.say_and_verify(f"can you check on {SECOND} for me")
    customer.say_and_verify(f"ok and what about {FIRST}?")
    assert_not_cancelled(customer, FIRST)
    assert_not_cancelled(customer, SECOND)


def asked_to_confirm_cancel_of_first(customer: Customer) -> None:
    """An inferred request ("cancel it" after tracking), waiting on the customer's yes/no."""
    tracked_first(customer)
    reply = customer.say("ok then cancel it")
    assert_confirmation_question(reply, FIRST)


# --------------------------------------------------------------------------------------
# 1. Consent
# --------------------------------------------------------------------------------------

NEGATED_REQUESTS = [
    f"don't cancel {FIRST}",
    f"I do NOT want to cancel {FIRST}",
    f"no need to cancel {FIRST} anymore, sorted it out",
    f"please do not cancel {FIRST}, just track it",
    f"I don't want to cancel {FIRST}, I just want to know when it ships",
    f"dont cancel my order {FIRST} pls, i still want it",
    f"i never asked to cancel {FIRST}!! where is it",
    f"this is ridiculous!!! do NOT cancel {FIRST}, just tell me where it is",
]


@pytest.mark.parametrize("message", NEGATED_REQUESTS)
def test_negated_request_then_email_cancels_nothing(customer, message):
    customer.say(message)
    customer.say(EMAIL)
    assert_not_cancelled(customer)


@pytest.mark.parametrize("message", NEGATED_REQUESTS)
def test_negated_request_then_email_and_yes_cancels_nothing(customer, message):
    customer.say(message)
    customer.say(EMAIL)
    customer.say("yes")
    assert_not_cancelled(customer)


RETURN_OR_CHANGE_REQUESTS = [
    f"I want to return {FIRST}",
    f"can i exchange {FIRST} for a different colour",
    f"I'd like a refund for {FIRST}",
    f"need to change the shipping address on {FIRST}",
    f"how do i send back {FIRST}? the headphones dont fit",
    f"can I swap the headphones in {FIRST} for the black ones plz",
    f"refund me for {FIRST} please",
]


@pytest.mark.parametrize("message", RETURN_OR_CHANGE_REQUESTS)
def test_return_exchange_refund_or_change_request_then_email_cancels_nothing(customer, message):
    customer.say(message)
    customer.say(EMAIL)
    assert_not_cancelled(customer)


@pytest.mark.parametrize("message", RETURN_OR_CHANGE_REQUESTS)
def test_return_request_cancels_only_after_a_yes_to_an_explicit_offer(customer, message):
    customer.say(message)
    offer = customer.say(EMAIL)
    assert_not_cancelled(customer)
    customer.say("yes")
    if status_of(FIRST) == OrderStatus.CANCELLED:
        # Only allowed when the assistant explicitly offered to cancel that order.
        assert "cancel" in text_of(offer), customer.transcript
        assert cancel_calls(offer) == [], customer.transcript
        assert_names_order_items_and_total(offer, FIRST)


@pytest.mark.parametrize("message", RETURN_OR_CHANGE_REQUESTS)
def test_return_request_then_no_cancels_nothing(customer, message):
    customer.say(message)
    customer.say(EMAIL)
    customer.say("no")
    assert_not_cancelled(customer)


# --------------------------------------------------------------------------------------
# 2. Confirmation
# --------------------------------------------------------------------------------------

EXPLICIT_REQUESTS = [
    f"I want to cancel my order {FIRST}",
    f"pls cancel {FIRST}",
    f"cancel order {FIRST} asap",
    f"hi, can you cancel {FIRST} for me? ordered the wrong thing",
    f"Please cancel my order {FIRST}, I ordered it by mistake.",
    f"cancell my order {FIRST} please",
    f"i need to cancel {FIRST}",
]


@pytest.mark.parametrize("message", EXPLICIT_REQUESTS)
def test_explicit_request_then_correct_email_cancels_without_further_question(customer, message):
    first = customer.say(message)
    assert cancel_calls(first) == [], "cancelled before the identity check"
    assert_not_cancelled(customer)
    done = customer.say(EMAIL)
    assert cancel_calls(done) == [FIRST], customer.transcript
    assert status_of(FIRST) == OrderStatus.CANCELLED
    assert FIRST.lower() in text_of(done)


@pytest.mark.parametrize("message", EXPLICIT_REQUESTS)
def test_explicit_request_with_wrong_email_cancels_nothing(customer, message):
    customer.say(message)
    customer.say("someone.else@example.org")
    assert_not_cancelled(customer)


@pytest.mark.parametrize(
    "template",
    [
        "I want to cancel my order {oid}",
        "pls cancel {oid}",
        "cancel order {oid} asap",
        "can you cancel {oid} for me",
        "i need to cancel {oid}",
    ],
)
def test_explicit_request_for_shipped_order_cancels_nothing(customer, template):
    customer.say(template.format(oid=SHIPPED))
    reply = customer.say(EMAIL)
    assert status_of(SHIPPED) == OrderStatus.SHIPPED, customer.transcript
    assert SHIPPED.lower() in customer.transcript.lower()
    assert_not_generic_failure(reply)


INFERRED_CANCEL_IT = [
    "cancel it",
    "ok just cancel it then",
    "can you cancel that one",
    "cancel that order pls",
    "hmm actually i want to cancel it",
    "please cancel this one",
]


@pytest.mark.parametrize("message", INFERRED_CANCEL_IT)
def test_cancel_it_after_tracking_asks_confirmation_naming_order_items_and_total(customer, message):
    tracked_first(customer)
    reply = customer.say(message)
    assert_confirmation_question(reply, FIRST)
    assert_not_cancelled(customer)


CLEAR_YES = ["yes", "yes please", "yep cancel it", "yes, go ahead", "yeah do it", "Yes I'm sure"]


@pytest.mark.parametrize("answer", CLEAR_YES)
def test_inferred_cancel_then_clear_yes_cancels(customer, answer):
    asked_to_confirm_cancel_of_first(customer)
    reply = customer.say(answer)
    assert cancel_calls(reply) == [FIRST], customer.transcript
    assert status_of(FIRST) == OrderStatus.CANCELLED
    assert FIRST.lower() in text_of(reply)


CLEAR_NO = ["no", "no thanks", "nope, keep it", "no dont", "actually no", "nah leave it"]


@pytest.mark.parametrize("answer", CLEAR_NO)
def test_inferred_cancel_then_no_leaves_order_alone(customer, answer):
    asked_to_confirm_cancel_of_first(customer)
    customer.say(answer)
    assert_not_cancelled(customer)


UNCLEAR_ANSWERS = ["maybe", "i guess?", "not sure tbh", "hmm let me think", "what happens to my money?"]


@pytest.mark.parametrize("answer", UNCLEAR_ANSWERS)
def test_inferred_cancel_then_unclear_answer_cancels_nothing(customer, answer):
    asked_to_confirm_cancel_of_first(customer)
    customer.say(answer)
    assert_not_cancelled(customer)


FIRST_ONE = [
    "cancel the first one",
    "the first one, cancel it please",
    "pls cancel the 1st one",
    "can you cancel the first order",
    "ok cancel the first one i asked about",
]


@pytest.mark.parametrize("message", FIRST_ONE)
def test_cancel_the_first_one_asks_confirmation_for_first_mentioned_order(customer, message):
    tracked_both(customer)
    reply = customer.say(message)
    assert_confirmation_question(reply, SECOND)  # ORD-4549 was mentioned first
    assert_not_cancelled(customer, SECOND)
    assert_not_cancelled(customer, FIRST)


@pytest.mark.parametrize("message", FIRST_ONE)
def test_cancel_the_first_one_then_yes_cancels_only_that_order(customer, message):
    tracked_both(customer)
    customer.say(message)
    customer.say("yes")
    assert_cancelled(customer, SECOND)
    assert_not_cancelled(customer, FIRST)


@pytest.mark.parametrize("message", FIRST_ONE)
def test_cancel_the_first_one_then_no_cancels_nothing(customer, message):
    tracked_both(customer)
    customer.say(message)
    customer.say("no")
    assert_not_cancelled(customer, SECOND)
    assert_not_cancelled(customer, FIRST)


OTHER_ONE = [
    "now the other one",
    "and the other one too",
    "cancel the other one as well",
    "the other one pls",
    "same for the other one",
]


@pytest.mark.parametrize("message", OTHER_ONE)
def test_the_other_one_resolves_to_the_other_mentioned_order_and_needs_its_own_yes(customer, message):
    tracked_both(customer)
    customer.say("cancel the first one")
    customer.say("yes")
    assert_cancelled(customer, SECOND)
    reply = customer.say(message)
    assert_confirmation_question(reply, FIRST)
    assert_not_cancelled(customer, FIRST)
    customer.say("yes")
    assert_cancelled(customer, FIRST)


# --------------------------------------------------------------------------------------
# 3. Withdrawal at every step
# --------------------------------------------------------------------------------------

WITHDRAWALS = [
    "no",
    "stop",
    "forget it",
    "never mind",
    "actually I'll keep it",
    "don't cancel",
    "I changed my mind",
    "never mind, where is it instead?",
    "nah forget it lol",
    "wait no dont cancel it",
]


@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_withdrawal_while_waiting_for_order_number_cancels_nothing(customer, withdrawal):
    customer.say("hi i want to cancel my order")
    customer.say(withdrawal)
    customer.say(FIRST)
    customer.say(EMAIL)
    assert_not_cancelled(customer)


@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_withdrawal_while_waiting_for_email_cancels_nothing(customer, withdrawal):
    asked = customer.say(f"cancel {FIRST} please")
    assert asks_for_email(asked), asked
    customer.say(withdrawal)
    customer.say(EMAIL)
    assert_not_cancelled(customer)


@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_withdrawal_while_waiting_for_yes_or_no_cancels_nothing(customer, withdrawal):
    asked_to_confirm_cancel_of_first(customer)
    customer.say(withdrawal)
    customer.say(EMAIL)
    assert_not_cancelled(customer)


PASSING_QUESTIONS = [
    "do you ship to canada?",
    "btw which countries do you ship to",
    "quick question, when will i get my refund?",
    "what payment methods do you accept?",
    "do you do gift wrapping?",
]


@pytest.mark.parametrize("question", PASSING_QUESTIONS)
def test_question_in_passing_while_waiting_for_email_keeps_request_open(customer, kb, question):
    asked = customer.say(f"I want to cancel my order {FIRST}")
    assert asks_for_email(asked), asked
    answer = customer.say(question)
    assert answer["response"].strip(), answer
    assert_not_generic_failure(answer)
    assert_not_cancelled(customer)
    done = customer.say(EMAIL)
    assert cancel_calls(done) == [FIRST], customer.transcript
    assert status_of(FIRST) == OrderStatus.CANCELLED


@pytest.mark.parametrize("question", PASSING_QUESTIONS)
def test_question_in_passing_while_waiting_for_order_number_keeps_request_open(customer, kb, question):
    customer.say("hi i want to cancel my order")
    customer.say(question)
    assert_not_cancelled(customer)
    customer.say(FIRST)
    customer.say(EMAIL)
    assert_cancelled(customer, FIRST)


# --------------------------------------------------------------------------------------
# 4. What must not end a request
# --------------------------------------------------------------------------------------

UPSET_REQUESTS = [
    f"this is ridiculous!!! cancel {FIRST} now",
    f"WORST SERVICE EVER. CANCEL {FIRST}",
    f"are you kidding me?? cancel {FIRST} right now!!!",
    f"i'm so fed up, just cancel {FIRST}!!!",
    f"ugh this is a joke. cancel {FIRST} NOW!!!",
]


@pytest.mark.parametrize("message", UPSET_REQUESTS)
def test_upset_customer_request_survives_handoff_and_email_is_not_a_generic_failure(customer, message):
    customer.say(message)
    assert_not_cancelled(customer)  # nothing happens before the identity check
    reply = customer.say(EMAIL)
    assert_not_generic_failure(reply)
    if status_of(FIRST) == OrderStatus.CANCELLED:
        assert FIRST in customer.cancelled_ids


@pytest.mark.parametrize("message", UPSET_REQUESTS)
def test_upset_customer_then_withdrawal_cancels_nothing(customer, message):
    customer.say(message)
    customer.say("ok forget it, i'll keep it")
    customer.say(EMAIL)
    assert_not_cancelled(customer)


TWO_ORDERS = [
    f"cancel {FIRST} and {SECOND}",
    f"please cancel both {FIRST} and {SECOND}",
    f"i need {FIRST} and {SECOND} cancelled",
    f"can u cancel my orders {FIRST} & {SECOND}",
    f"cancel {FIRST}, {SECOND} too",
]


def drive_to_end(customer: Customer, answer: str, turns: int = 6) -> None:
    """Answer email questions with the email and other questions with ``answer``."""
    for _ in range(turns):
        last = customer.replies[-1]
        if status_of(FIRST) == OrderStatus.CANCELLED and status_of(SECOND) == OrderStatus.CANCELLED:
            return
        if asks_for_email(last):
            customer.say(EMAIL)
        elif "?" in last["response"]:
            customer.say(answer)
        else:
            return


@pytest.mark.parametrize("message", TWO_ORDERS)
def test_two_orders_in_one_message_both_cancelled_after_email_and_yes(customer, message):
    customer.say(message)
    assert_not_cancelled(customer, FIRST)
    assert_not_cancelled(customer, SECOND)
    drive_to_end(customer, "yes")
    assert_cancelled(customer, FIRST)
    assert_cancelled(customer, SECOND)
    assert sorted(customer.cancelled_ids) == sorted([FIRST, SECOND]), customer.transcript


@pytest.mark.parametrize("message", TWO_ORDERS)
def test_two_orders_in_one_message_are_both_named_in_the_replies(customer, message):
    customer.say(message)
    drive_to_end(customer, "yes")
    text = customer.transcript.lower()
    assert FIRST.lower() in text and SECOND.lower() in text, customer.transcript


@pytest.mark.parametrize("message", TWO_ORDERS)
def test_two_orders_then_withdrawal_while_waiting_for_email_cancels_neither(customer, message):
    customer.say(message)
    customer.say("never mind, forget it")
    customer.say(EMAIL)
    customer.say("yes")
    assert_not_cancelled(customer, FIRST)
    assert_not_cancelled(customer, SECOND)


# --------------------------------------------------------------------------------------
# Malformed input
# --------------------------------------------------------------------------------------

LONE_SURROGATES = [
    f"cancel {FIRST} \\ud800",
    f"\\ud800 please cancel {FIRST}",
    f"cancel my order {FIRST} \\udfff",
    f"i want to cancel {FIRST} \\ud83d",
    f"cancel {FIRST} \\udc00 now",
]


@pytest.mark.parametrize("escaped_message", LONE_SURROGATES)
def test_lone_surrogate_is_refused_with_400_and_cancels_nothing(customer, escaped_message):
    raw = '{"session_id": "%s", "message": "%s"}' % (customer.session_id, escaped_message)
    response = customer.post_raw(raw)
    assert response.status_code == 400, response.content
    customer.say(EMAIL)
    assert_not_cancelled(customer)


# --------------------------------------------------------------------------------------
# The same rules over the websocket
# --------------------------------------------------------------------------------------


class SocketCustomer:
    def __init__(self, communicator):
        self.communicator = communicator
        self.replies: list[dict] = []

    async def say(self, message: str) -> dict:
        await self.communicator.send_to(text_data=json.dumps({"type": "message", "message": message}))
        while True:
            frame = json.loads(await self.communicator.receive_from(timeout=20))
            if frame.get("type") == "reply":
                self.replies.append(frame)
                return frame
            assert frame.get("type") != "error", frame

    @property
    def cancelled_ids(self) -> list[str]:
        return [oid for reply in self.replies for oid in cancel_calls(reply)]


def over_websocket(messages: list[str]) -> list[str]:
    """Say ``messages`` over one websocket session; the order IDs the cancel tool got."""
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    async def talk() -> list[str]:
        session_id = f"consent-ws-{uuid.uuid4().hex[:10]}"
        communicator = WebsocketCommunicator(
            application,
            f"/ws/chat/{session_id}/",
            headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")],
        )
        connected, _ = await communicator.connect(timeout=10)
        assert connected
        try:
            history = json.loads(await communicator.receive_from(timeout=10))
            assert history.get("type") == "history", history
            socket = SocketCustomer(communicator)
            for message in messages:
                await socket.say(message)
            return socket.cancelled_ids
        finally:
            await communicator.disconnect()

    return async_to_sync(talk)()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("message", [f"I want to cancel my order {FIRST}", f"pls cancel {FIRST}"])
def test_websocket_explicit_request_then_email_cancels(orders, message):
    cancelled = over_websocket([message, EMAIL])
    assert cancelled == [FIRST]
    assert status_of(FIRST) == OrderStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("message", [f"I do NOT want to cancel {FIRST}", f"please do not cancel {FIRST}, just track it"])
def test_websocket_negated_request_then_email_cancels_nothing(orders, message):
    cancelled = over_websocket([message, EMAIL])
    assert FIRST not in cancelled
    assert status_of(FIRST) != OrderStatus.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("withdrawal", ["forget it", "I changed my mind"])
def test_websocket_withdrawal_while_waiting_for_email_cancels_nothing(orders, withdrawal):
    cancelled = over_websocket([f"cancel {FIRST} please", withdrawal, EMAIL])
    assert FIRST not in cancelled
    assert status_of(FIRST) != OrderStatus.CANCELLED
