"""IdentityAgent: an email address with nothing pending verifies the customer, and does nothing else.

After a withdrawn request ("cancel ORD-4567" → "forget it"), the email the customer then
types must not bring the old request back. It proves they own the order the conversation
is about, so a later request needs no new check, and the customer is asked what they want.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from assistant.engine.agents.base import AgentReply, Outcome, TurnContext
from assistant.engine.agents.identity import ensure_verified
from assistant.engine.dialogue import CloseReason, Intent, close_request


class IdentityAgent:
    name = "IdentityAgent"

    def acknowledge_withdrawal(self, order_ids: tuple[str, ...]) -> str:
        return _("Alright.")

    def handle(self, ctx: TurnContext) -> AgentReply:
        state = ctx.state
        order_id = state.last_order_id
        if not order_id:
            return AgentReply(
                text=_(
                    "Thanks. Which order is this about, and what can I do for you? I can track an order or cancel "
                    "one placed in the last 24 hours."
                ),
                agent=self.name,
                outcome=Outcome.ASKED,
            )
        refusal = ensure_verified(ctx, intent=Intent.VERIFY, order_ids=[order_id])
        # Verifying opens nothing: a wrong address is said, and the customer decides what next.
        close_request(state, CloseReason.DONE)
        if refusal:
            return AgentReply(text=refusal.text, agent=self.name, outcome=refusal.outcome)
        return AgentReply(
            text=_(
                "Thank you, that email matches order %(order_id)s. I haven't changed anything. "
                "Would you like me to check where it is, or is there something else I can help with?"
            )
            % {"order_id": order_id},
            agent=self.name,
            outcome=Outcome.ANSWERED,
        )
