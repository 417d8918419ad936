"""The explicit list of agents the orchestrator can hand a turn to, by intent."""

from __future__ import annotations

from assistant.agents.base import Agent
from assistant.agents.cancellation import OrderCancellationAgent
from assistant.agents.fallback import FallbackAgent
from assistant.agents.product_qa import ProductQAAgent
from assistant.agents.tracking import OrderTrackingAgent

AGENTS_BY_INTENT: dict[str, Agent] = {
    "cancel": OrderCancellationAgent(),
    "track": OrderTrackingAgent(),
    "product": ProductQAAgent(),
    "other": FallbackAgent(),
}


def agent_for(intent: str) -> Agent:
    return AGENTS_BY_INTENT.get(intent, AGENTS_BY_INTENT["other"])
