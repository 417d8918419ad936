"""The small types every agent and tool shares.

An agent has a ``name`` and ``handle(ctx) -> AgentReply``. A tool is a typed function
run through ``TurnContext.call_tool``, the one place that records the call for the
reply's ``tool_calls``, times it, counts it and wraps it in a span. A tool never raises
to the agent: a failure comes back as a result with ``ok=False`` and an error code.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Callable, Protocol

from django.utils.translation import gettext as _

from assistant import metrics
from core.tracing import span

if TYPE_CHECKING:
    from assistant.engine.nlu import Understanding
    from assistant.engine.state import ConversationState
    from orders.clients.base import OrderClient

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolCall:
    tool: str
    input: dict[str, Any]
    result: dict[str, Any]
    ok: bool
    duration_ms: float

    def as_payload(self) -> dict[str, Any]:
        return {"tool": self.tool, "input": self.input, "result": self.result}


@dataclass(frozen=True)
class ToolResult:
    """What a tool returns: ``data`` is shown in ``tool_calls``; ``value`` stays in process."""

    data: dict[str, Any]
    ok: bool = True
    error_code: str = ""
    value: Any = None


class ToolFailure(Exception):
    """Raised inside a tool body to return a typed failure instead of a result."""

    def __init__(self, code: str, data: dict[str, Any] | None = None):
        super().__init__(code)
        self.code = code
        self.data = data or {}


class Outcome(StrEnum):
    """What a turn achieved, stored per message for the staff insights. Every agent
    returns one explicitly: nothing is inferred from the tools it called."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"  # not about the shop: said what we do; not an unanswered question
    ASKED = "asked"  # the agent asked for something it needs (order number, email, yes/no)
    WITHDRAWN = "withdrawn"  # the customer took a pending request back
    CANCELLED = "cancelled"
    CANCEL_REFUSED = "cancel_refused"
    TRACKED = "tracked"
    ORDER_SYSTEM_DOWN = "order_system_down"
    HANDOFF = "handoff"
    HUMAN_OWNED = "human_owned"


@dataclass(frozen=True)
class AgentReply:
    text: str
    agent: str
    outcome: Outcome


@dataclass
class TurnContext:
    """Everything an agent may read or change during one turn."""

    message: str
    understanding: "Understanding"
    state: "ConversationState"
    channel: str
    conversation_id: int | None = None
    user_email: str = ""
    user_id: int | None = None
    client_ip: str = ""
    # The order system; None means the configured one (tests pass a fake).
    order_client: "OrderClient | None" = None
    tool_calls: list[ToolCall] = field(default_factory=list)
    trail: list[str] = field(default_factory=list)

    @property
    def orders(self) -> "OrderClient":
        if self.order_client is None:
            from orders.clients import get_order_client

            self.order_client = get_order_client()
        return self.order_client

    def hand_over(self, agent_name: str) -> None:
        if not self.trail or self.trail[-1] != agent_name:
            if self.trail:
                metrics.HANDOVERS.labels(from_agent=self.trail[-1], to_agent=agent_name).inc()
            self.trail.append(agent_name)

    def call_tool(self, name: str, tool_input: dict[str, Any], fn: Callable[[], ToolResult]) -> ToolResult:
        """Run one tool call, record it, time it, count it. Never raises."""
        started = time.perf_counter()
        with span(f"tool {name}", tool=name, order_id=tool_input.get("orderId")) as current:
            try:
                result = fn()
            except ToolFailure as failure:
                result = ToolResult(data={"error": failure.code, **failure.data}, ok=False, error_code=failure.code)
            except Exception:  # a tool bug must not become a 500 for the customer
                logger.exception("tool %s crashed", name)
                result = ToolResult(data={"error": "internal_error"}, ok=False, error_code="internal_error")
            outcome = "ok" if result.ok else result.error_code
            current.set_attribute("outcome", outcome)
        duration = time.perf_counter() - started
        metrics.TOOL_CALLS.labels(tool=name, outcome=outcome).inc()
        metrics.TOOL_LATENCY.labels(tool=name).observe(duration)
        self.tool_calls.append(
            ToolCall(tool=name, input=dict(tool_input), result=result.data, ok=result.ok, duration_ms=duration * 1000)
        )
        logger.info(
            "tool call",
            extra={"tool": name, "outcome": outcome, "duration_ms": round(duration * 1000, 2)},
        )
        return result


class Agent(Protocol):
    name: str

    def handle(self, ctx: TurnContext) -> AgentReply: ...


class RequestOwner(Agent, Protocol):
    """An agent that opens pending requests, and so acknowledges their withdrawal (one
    sentence; the orchestrator adds what comes next)."""

    def acknowledge_withdrawal(self, order_ids: tuple[str, ...]) -> str: ...


class OrderRequestAgent:
    """An agent that works on a customer's order request: its turn is the (text, outcome)
    pair of ``_respond``, and a withdrawn request is acknowledged in one word unless the
    agent says more."""

    name: str = ""

    def handle(self, ctx: TurnContext) -> AgentReply:
        text, outcome = self._respond(ctx)
        return AgentReply(text=text, agent=self.name, outcome=outcome)

    def acknowledge_withdrawal(self, order_ids: tuple[str, ...]) -> str:
        return _("Alright.")

    def _respond(self, ctx: TurnContext) -> tuple[str, Outcome]:
        raise NotImplementedError
