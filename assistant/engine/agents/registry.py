"""The explicit list of agents the orchestrator can hand a turn to, by intent."""

from __future__ import annotations

from assistant.engine.agents.base import Agent, RequestOwner
from assistant.engine.agents.cancellation import OrderCancellationAgent
from assistant.engine.agents.fallback import FallbackAgent
from assistant.engine.agents.identity_agent import IdentityAgent
from assistant.engine.agents.order_support import OrderSupportAgent
from assistant.engine.agents.product_qa import ProductQAAgent
from assistant.engine.agents.tracking import OrderTrackingAgent
from assistant.engine.dialogue import Intent

# The agents that open pending requests (with their own intent), and so acknowledge a withdrawal.
REQUEST_OWNERS: dict[Intent, RequestOwner] = {
    Intent.CANCEL: OrderCancellationAgent(),
    Intent.TRACK: OrderTrackingAgent(),
    Intent.ORDER_HELP: OrderSupportAgent(),
    Intent.VERIFY: IdentityAgent(),
}

AGENTS_BY_INTENT: dict[Intent, Agent] = {
    **REQUEST_OWNERS,
    Intent.PRODUCT: ProductQAAgent(),
    Intent.OTHER: FallbackAgent(),
    Intent.SMALLTALK: FallbackAgent(),
    Intent.OUT_OF_SCOPE: FallbackAgent(),
}


def agent_for(intent: Intent | str) -> Agent:
    try:
        return AGENTS_BY_INTENT[Intent(intent)]
    except (ValueError, KeyError):
        return AGENTS_BY_INTENT[Intent.OTHER]


def request_owner_for(intent: Intent) -> RequestOwner:
    """The agent whose pending request has this intent."""
    return REQUEST_OWNERS[intent]
