"""The explicit list of agents the orchestrator can hand a turn to, by intent."""

from __future__ import annotations

from assistant.agents.base import Agent
from assistant.agents.cancellation import OrderCancellationAgent
from assistant.agents.fallback import FallbackAgent
from assistant.agents.identity_agent import IdentityAgent
from assistant.agents.order_support import OrderSupportAgent
from assistant.agents.product_qa import ProductQAAgent
from assistant.agents.tracking import OrderTrackingAgent
from assistant.engine.dialogue import Intent

AGENTS_BY_INTENT: dict[Intent, Agent] = {
    Intent.CANCEL: OrderCancellationAgent(),
    Intent.TRACK: OrderTrackingAgent(),
    Intent.ORDER_HELP: OrderSupportAgent(),
    Intent.VERIFY: IdentityAgent(),
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
