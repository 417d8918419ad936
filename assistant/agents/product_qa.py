"""ProductQAAgent: answers product and policy questions from the knowledge base only."""

from __future__ import annotations

from assistant.agents import tools
from assistant.agents.base import AgentReply, Outcome, TurnContext

NO_ANSWER = (
    "I'm sorry, I don't have an answer to that in our help centre, and I'd rather not guess. "
    "I can track or cancel an order, or answer questions about our products, shipping, returns, "
    "refunds, warranty and payments. You can also reach our support team by email."
)


class ProductQAAgent:
    name = "ProductQAAgent"

    def handle(self, ctx: TurnContext) -> AgentReply:
        from knowledge.selectors import product_match

        state, u = ctx.state, ctx.understanding
        product = product_match(text=u.normalized)
        if product:
            state.last_product_context = product
        elif u.refers_back and state.last_product_context:
            # "Is it waterproof?" right after talking about the smartwatch.
            product = state.last_product_context

        result = tools.search_knowledge_base(ctx, u.normalized, product=product)
        if result.ok and result.value is not None:
            return AgentReply(text=result.value.answer, agent=self.name, outcome=Outcome.ANSWERED)
        return AgentReply(text=NO_ANSWER, agent=self.name, outcome=Outcome.NO_ANSWER)
