"""HumanHandoffAgent: passes the conversation to a person and tells the customer what happens next.

``handoff_open`` puts the conversation in the staff inbox; what staff do with it then is
the desk's (assistant/desk/handoff.py).
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistant.engine.agents.base import AgentReply, Outcome, ToolResult, TurnContext
from assistant.models import Conversation, HandoffStatus, HandoffTicket

logger = logging.getLogger(__name__)

TRANSCRIPT_MESSAGES = 50

HUMAN_HANDOFF_TOOL = "HumanHandoff"

HANDED_OVER = gettext_lazy(
    "I'm passing this conversation to a member of our team. They'll join this chat shortly and you'll see "
    "their replies right here; you can keep writing in the meantime."
)
ALREADY_WAITING = gettext_lazy(
    "A member of our team has been asked to join this chat and will be with you shortly. "
    "Everything you write here is shared with them."
)


def _transcript(conversation: Conversation, current_message: str) -> str:
    rows = list(conversation.messages.order_by("-id").values_list("role", "content")[:TRANSCRIPT_MESSAGES])
    rows.reverse()
    lines = [f"{role}: {content}" for role, content in rows]
    if current_message:
        lines.append(f"user: {current_message}")
    return "\n".join(lines)


def handoff_open(*, conversation_id: int, reason: str, current_message: str = "") -> HandoffTicket:
    """Open a ticket for the conversation, or return the one already open."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
        existing = conversation.handoffs.exclude(status=HandoffStatus.CLOSED).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                ticket = HandoffTicket.objects.create(
                    conversation=conversation, reason=reason, transcript=_transcript(conversation, current_message)
                )
        except IntegrityError:  # another process opened one a moment ago
            return conversation.handoffs.exclude(status=HandoffStatus.CLOSED).get()
        Conversation.objects.filter(pk=conversation.pk).update(handoff_status=HandoffStatus.WAITING)
    logger.info("handoff opened", extra={"session_id": conversation.session_id, "reason": reason})
    return ticket


class HumanHandoffAgent:
    name = "HumanHandoffAgent"

    def handle(self, ctx: TurnContext, *, reason: str) -> AgentReply:
        state = ctx.state
        if state.handoff_status == HandoffStatus.WAITING:
            return AgentReply(text=str(ALREADY_WAITING), agent=self.name, outcome=Outcome.HANDOFF)

        def run() -> ToolResult:
            if ctx.conversation_id is None:  # a turn with no stored conversation (a bare engine run)
                raise Conversation.DoesNotExist("no conversation to hand over")
            ticket = handoff_open(conversation_id=ctx.conversation_id, reason=reason, current_message=ctx.message)
            return ToolResult(data={"ticket": ticket.pk, "status": ticket.status}, value=ticket)

        result = ctx.call_tool(HUMAN_HANDOFF_TOOL, {"reason": reason}, run)
        if not result.ok:
            return AgentReply(
                text=_(
                    "I'm sorry, I couldn't reach our team just now. Please try again in a few minutes, or email our support team."
                ),
                agent=self.name,
                outcome=Outcome.NO_ANSWER,
            )
        state.handoff_status = HandoffStatus.WAITING
        state.unanswered_streak = 0
        # The pending request survives: an upset customer who then types the email asked
        # for still gets it done (a request for a person closed it in the orchestrator).
        return AgentReply(text=str(HANDED_OVER), agent=self.name, outcome=Outcome.HANDOFF)
