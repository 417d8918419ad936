"""ProductQAAgent: answers product and policy questions from the knowledge base only."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from assistant.engine.agents import tools
from assistant.engine.agents.base import AgentReply, Outcome, TurnContext

if TYPE_CHECKING:
    from assistant.engine.nlu import Understanding

# An order number as customers write it: "ORD-5120", "ord 5120", "order #5120", "#5120".
ORDER_MENTION = re.compile(r"(?:\bord(?:er)?\s*(?:number|no\.?|id)?\s*[-_#:]?\s*#?|#)\s*(\d+)\b", re.IGNORECASE)

ORDER_HELP = (
    "I can help with your order: I can tell you where it is and when it arrives, or cancel it if it was "
    "placed less than 24 hours ago. Which would you like? Please include the order number (ORD- and four digits)."
)
# A vague request about the customer's own order ("I need help with my order").
_ABOUT_AN_ORDER = re.compile(
    r"\b(help|problem|issue|question|trouble)\b.*\b(my|an|the|our)\s+(order|package|parcel|purchase)\b"
    r"|\b(my|an|the|our)\s+(order|package|parcel|purchase)\b.*\b(help|problem|issue|question|trouble)\b",
    re.IGNORECASE,
)

NO_ANSWER = (
    "I'm sorry, I don't have an answer to that in our help centre, and I'd rather not guess. "
    "I can track or cancel an order, or answer questions about our products, shipping, returns, "
    "refunds, warranty and payments. You can also reach our support team by email."
)


def knowledge_query(u: Understanding) -> str:
    """The message without order numbers and email addresses: the FAQ never contains a
    customer's own ``ORD-5120``, and unmatched words would only lower the confidence."""
    text = u.normalized
    for order_id in (*u.order_ids, *u.malformed_order_ids):
        text = ORDER_MENTION.sub(partial(_blank_if_order, digits=order_id[4:]), text)
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
            return AgentReply(text=result.value.answer, agent=self.name, outcome=Outcome.ANSWERED)
        if _ABOUT_AN_ORDER.search(u.normalized) and len(u.words) <= 8:
            return AgentReply(text=ORDER_HELP, agent=self.name, outcome=Outcome.ASKED)
        return AgentReply(text=NO_ANSWER, agent=self.name, outcome=Outcome.NO_ANSWER)
