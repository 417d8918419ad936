"""ProductQAAgent: answers product and policy questions from the knowledge base only."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from django.utils.translation import get_language_info, gettext, gettext_lazy

from assistant.engine.agents import tools
from assistant.engine.agents.base import AgentReply, Outcome, TurnContext

if TYPE_CHECKING:
    from assistant.engine.nlu import Understanding
    from knowledge.selectors import FAQHit

# An order number as customers write it: "ORD-5120", "ord 5120", "order #5120", "#5120".
# Also as Spanish, German and French customers write it ("pedido nº 5120", "Bestellung Nr. 5120").
ORDER_MENTION = re.compile(
    r"(?:\b(?:ord(?:er)?|pedido|bestellung|commande)\s*(?:number|no\.?|nr\.?|n\s*[º°o]\.?|id|n[úu]mero|nummer|num[ée]ro)?"
    r"\s*[-_#:]?\s*#?|#)\s*(\d+)\b",
    re.IGNORECASE,
)
# The same with the preposition that ties it to the sentence ("the coffee maker in ORD-5120"):
# left behind, "in" is a word the FAQ entry does not have.
_ORDER_PHRASE = re.compile(
    r"(?:\b(?:in|on|for|from|of|with|under|about|en|de|del|para|con|im|in|von|für|mit|aus|dans|du|pour|avec|sur)\s+)?"
    + ORDER_MENTION.pattern,
    re.IGNORECASE,
)

ORDER_HELP = gettext_lazy(
    "I can help with your order: I can tell you where it is and when it arrives, or cancel it if it was "
    "placed less than 24 hours ago. Which would you like? Please include the order number (ORD- and four digits)."
)
# A vague request about the customer's own order ("I need help with my order").
_ABOUT_AN_ORDER = re.compile(
    r"\b(help|problem|issue|question|trouble)\b.*\b(my|an|the|our)\s+(order|package|parcel|purchase)\b"
    r"|\b(my|an|the|our)\s+(order|package|parcel|purchase)\b.*\b(help|problem|issue|question|trouble)\b",
    re.IGNORECASE,
)

NO_ANSWER = gettext_lazy(
    "I'm sorry, I don't have an answer to that in our help centre, and I'd rather not guess. "
    "I can track or cancel an order, or answer questions about our products, shipping, returns, "
    "refunds, warranty and payments. You can also reach our support team by email."
)


def knowledge_query(u: Understanding) -> str:
    """The message without order numbers and email addresses: the FAQ never contains a
    customer's own ``ORD-5120``, and unmatched words would only lower the confidence."""
    text = u.normalized
    for order_id in (*u.order_ids, *u.malformed_order_ids):
        text = _ORDER_PHRASE.sub(partial(_blank_if_order, digits=order_id[4:]), text)
    for email in u.emails:
        text = text.replace(email, " ")
    return " ".join(text.split()) or u.normalized


def _blank_if_order(match: re.Match[str], *, digits: str) -> str:
    """A space for an order mention whose digits are ``digits``; any other mention as it is."""
    return " " if match.group(1) == digits else match.group(0)


def follow_up_query(last_question: str, *, subject: str, old_product: str = "") -> str:
    """The last question asked again about ``subject``: the words of the product it was
    about are dropped when the follow-up names another product."""
    dropped = {word.lower() for word in old_product.split()}
    kept = [word for word in last_question.rstrip(" ?!.").split() if word.lower().strip(",.?!") not in dropped]
    return f"{' '.join(kept)} {subject}".strip()


class ProductQAAgent:
    name = "ProductQAAgent"

    def handle(self, ctx: TurnContext) -> AgentReply:
        from knowledge.selectors import product_match

        state, u = ctx.state, ctx.understanding
        query = knowledge_query(u)
        product = product_match(text=u.normalized)
        if u.follow_up and state.last_question:
            # "what about the smartwatch?", "and germany?": the last question, about this instead.
            query = follow_up_query(
                state.last_question, subject=u.follow_up, old_product=state.last_product_context if product else ""
            )
        state.last_question = query[:300]
        if product:
            state.last_product_context = product
            result = tools.search_knowledge_base(ctx, query, product=product)
        elif state.last_product_context:
            # "What comes in the box?" or "how long does shipping take?" right after the
            # smartwatch: the search weighs the conversation's product (see the tool).
            result = tools.search_knowledge_base(ctx, query, product=state.last_product_context, product_from_context=True)
        else:
            result = tools.search_knowledge_base(ctx, query)
        if result.ok and result.value is not None:
            return AgentReply(text=_answer_text(result.value), agent=self.name, outcome=Outcome.ANSWERED)
        if _ABOUT_AN_ORDER.search(u.normalized) and len(u.words) <= 8:
            return AgentReply(text=str(ORDER_HELP), agent=self.name, outcome=Outcome.ASKED)
        return AgentReply(text=str(NO_ANSWER), agent=self.name, outcome=Outcome.NO_ANSWER)


def _answer_text(hit: FAQHit) -> str:
    """The entry's answer; said to be in another language when the search had to fall back to
    the shop's main language (the customer's has no entry that answers it)."""
    from knowledge.selectors import search_language

    if hit.language == search_language():
        return str(hit.answer)
    note = gettext("I don't have this answer in your language yet, so here it is in %(language)s:") % {
        "language": get_language_info(hit.language)["name_translated"]
    }
    return f"{note}\n\n{hit.answer}"
