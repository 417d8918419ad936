"""HumanHandoffAgent: passes the conversation to a person and tells the customer what happens next."""

from __future__ import annotations

from assistant.agents.base import AgentReply, Outcome, ToolResult, TurnContext
from assistant.models import HandoffStatus

HUMAN_HANDOFF_TOOL = "HumanHandoff"

HANDED_OVER = (
    "I'm passing this conversation to a member of our team. They'll join this chat shortly and you'll see "
    "their replies right here; you can keep writing in the meantime."
)
ALREADY_WAITING = (
    "A member of our team has been asked to join this chat and will be with you shortly. "
    "Everything you write here is shared with them."
)


class HumanHandoffAgent:
    name = "HumanHandoffAgent"

    def handle(self, ctx: TurnContext, *, reason: str) -> AgentReply:
        from assistant.handoff import handoff_open

        state = ctx.state
        if state.handoff_status == HandoffStatus.WAITING:
            return AgentReply(text=ALREADY_WAITING, agent=self.name, outcome=Outcome.HANDOFF)

        def run() -> ToolResult:
            ticket = handoff_open(conversation_id=ctx.conversation_id, reason=reason, current_message=ctx.message)
            return ToolResult(data={"ticket": ticket.pk, "status": ticket.status}, value=ticket)

        result = ctx.call_tool(HUMAN_HANDOFF_TOOL, {"reason": reason}, run)
        if not result.ok:
            return AgentReply(
                text="I'm sorry, I couldn't reach our team just now. Please try again in a few minutes, or email our support team.",
                agent=self.name,
                outcome=Outcome.NO_ANSWER,
            )
        state.handoff_status = HandoffStatus.WAITING
        state.unanswered_streak = 0
        # The pending request survives: an upset customer who then types the email asked
        # for still gets it done (a request for a person closed it in the orchestrator).
        return AgentReply(text=HANDED_OVER, agent=self.name, outcome=Outcome.HANDOFF)
