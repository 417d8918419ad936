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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistant import metrics
from assistant.engine.agents.base import AgentReply, Outcome, TurnContext

CAPABILITIES = gettext_lazy(
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
        shop = getattr(settings, "SHOP_NAME", None)  # a name: never translated
        values = {"shop": _("our shop") if shop is None else shop, "capabilities": CAPABILITIES}
        if u.asks_what_it_is:
            reason = "identity"
            text = (
                _(
                    "I'm the %(shop)s virtual assistant, an automated helper (not a person). %(capabilities)s "
                    "If you'd rather talk to a member of our team, just ask for a person."
                )
                % values
            )
        elif _CAPABILITY_QUESTION.search(u.normalized):
            reason, text = "capabilities", _("%(capabilities)s What would you like to do?") % values
        elif u.thanks:
            reason, text = "thanks", _("You're welcome! Is there anything else I can help you with?")
        elif u.goodbye:
            reason, text = "goodbye", _("Thanks for chatting with us. Have a great day!")
        elif u.greeting:
            reason, text = "greeting", _("Hello! I'm the %(shop)s assistant. %(capabilities)s How can I help?") % values
        elif u.affirmative or u.negative:
            reason, text = "no_context", _("Alright. What can I help you with? %(capabilities)s") % values
        elif _HOW_ARE_YOU.search(u.normalized):
            reason, text = "how_are_you", _("I'm doing well, thanks for asking! What can I help you with today?")
        elif _ACKNOWLEDGEMENT.match(u.normalized):
            reason, text = "acknowledgement", _("Glad I could help! Let me know if there's anything else.")
        elif u.intent == "smalltalk":
            reason, text = "smalltalk", _("I'm here to help with your shopping. %(capabilities)s") % values
        else:
            reason = "out_of_scope"
            text = (
                _("That's outside what I know about, I'm afraid: I can't help with things beyond our shop. %(capabilities)s")
                % values
            )
        metrics.FALLBACKS.labels(reason=reason).inc()
        outcome = Outcome.OUT_OF_SCOPE if reason == "out_of_scope" else Outcome.SMALLTALK
        return AgentReply(text=text, agent=self.name, outcome=outcome)
