"""FallbackAgent: small talk, and messages about anything other than the shop.

Small talk (greetings, thanks, goodbyes, "👍", "are you a bot?", "what can you do?") gets a
natural reply; a message about something else gets a short, friendly one that says what
the assistant can do. Neither is an unanswered question: their outcomes (``smalltalk``,
``out_of_scope``) never count towards the handoff for unanswered questions, so the staff
inbox gets no ticket for them.
"""

from __future__ import annotations

import re

from django.conf import settings

from assistant import metrics
from assistant.engine.agents.base import AgentReply, Outcome, TurnContext

CAPABILITIES = (
    "I can track an order, cancel an order placed in the last 24 hours, help with returns, exchanges, "
    "refunds and changes to an order, and answer questions about our products, shipping, warranty and payments."
)
_CAPABILITY_QUESTION = re.compile(
    r"\b(?:what (?:can|do|else can) (?:you|u) (?:do|help)|what can i ask|how can (?:you|u) help|what (?:are|r) (?:you|u) (?:for|able)"
    r"|what do you do|what are your (?:skills|features|capabilities)|help me\W*$|^\W*help\W*$)",
    re.IGNORECASE,
)
_HOW_ARE_YOU = re.compile(
    r"\b(?:how (?:are|r) (?:you|u)|how'?s it going|how are things|how is your day|how'?s your day|what'?s up|sup)\b", re.I
)
# Only emoji, punctuation and a word of agreement: an acknowledgement.
_ACKNOWLEDGEMENT = re.compile(
    r"^[\W_]*(?:(?:ok(?:ay)?|k|cool|great|nice|perfect|awesome|got it|alright|sounds good|fine|sure|lol|haha\w*|wow|noted)[\W_]*)*$",
    re.IGNORECASE,
)


class FallbackAgent:
    name = "FallbackAgent"

    def handle(self, ctx: TurnContext) -> AgentReply:
        u = ctx.understanding
        shop = getattr(settings, "SHOP_NAME", "our shop")
        if u.asks_what_it_is:
            reason = "identity"
            text = (
                f"I'm the {shop} virtual assistant, an automated helper (not a person). {CAPABILITIES} "
                "If you'd rather talk to a member of our team, just ask for a person."
            )
        elif _CAPABILITY_QUESTION.search(u.normalized):
            reason, text = "capabilities", f"{CAPABILITIES} What would you like to do?"
        elif u.thanks:
            reason, text = "thanks", "You're welcome! Is there anything else I can help you with?"
        elif u.goodbye:
            reason, text = "goodbye", "Thanks for chatting with us. Have a great day!"
        elif u.greeting:
            reason, text = "greeting", f"Hello! I'm the {shop} assistant. {CAPABILITIES} How can I help?"
        elif u.affirmative or u.negative:
            reason, text = "no_context", f"Alright. What can I help you with? {CAPABILITIES}"
        elif _HOW_ARE_YOU.search(u.normalized):
            reason, text = "how_are_you", "I'm doing well, thanks for asking! What can I help you with today?"
        elif _ACKNOWLEDGEMENT.match(u.normalized):
            reason, text = "acknowledgement", "Glad I could help! Let me know if there's anything else."
        elif u.intent == "smalltalk":
            reason, text = "smalltalk", f"I'm here to help with your shopping. {CAPABILITIES}"
        else:
            reason = "out_of_scope"
            text = f"That's outside what I know about, I'm afraid: I can't help with things beyond our shop. {CAPABILITIES}"
        metrics.FALLBACKS.labels(reason=reason).inc()
        outcome = Outcome.OUT_OF_SCOPE if reason == "out_of_scope" else Outcome.SMALLTALK
        return AgentReply(text=text, agent=self.name, outcome=outcome)
