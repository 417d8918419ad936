"""FallbackAgent: greetings, thanks, goodbyes and whatever no other agent handles."""

from __future__ import annotations

from django.conf import settings

from assistant import metrics
from assistant.agents.base import AgentReply, Outcome, TurnContext

CAPABILITIES = (
    "I can track an order, cancel an order placed in the last 24 hours, and answer questions about "
    "our products, shipping, returns, refunds, warranty and payments."
)


class FallbackAgent:
    name = "FallbackAgent"

    def handle(self, ctx: TurnContext) -> AgentReply:
        u = ctx.understanding
        shop = getattr(settings, "SHOP_NAME", "our shop")
        if u.thanks:
            reason, text = "thanks", "You're welcome! Is there anything else I can help you with?"
        elif u.goodbye:
            reason, text = "goodbye", "Thanks for chatting with us. Have a great day!"
        elif u.affirmative or u.negative:
            reason, text = "no_context", f"Alright. What can I help you with? {CAPABILITIES}"
        elif u.greeting:
            reason, text = "greeting", f"Hello! I'm the {shop} assistant. {CAPABILITIES} How can I help?"
        else:
            reason, text = "out_of_scope", f"I'm sorry, I can't help with that. {CAPABILITIES}"
        metrics.FALLBACKS.labels(reason=reason).inc()
        outcome = Outcome.NO_ANSWER if reason == "out_of_scope" else Outcome.SMALLTALK
        return AgentReply(text=text, agent=self.name, outcome=outcome)
