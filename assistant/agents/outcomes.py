"""The outcome of an order agent's turn, read off the tools it called."""

from __future__ import annotations

from assistant.agents.base import Outcome, ToolCall
from assistant.agents.tools import ORDER_CANCELLATION, ORDER_TRACKING


def outcome_from_tool_calls(calls: list[ToolCall]) -> str:
    if any(call.result.get("error") == "order_system_unavailable" for call in calls):
        return Outcome.ORDER_SYSTEM_DOWN
    for call in reversed(calls):
        if call.tool == ORDER_CANCELLATION and call.ok:
            return Outcome.CANCELLED if call.result.get("status") == "cancelled" else Outcome.CANCEL_REFUSED
        if call.tool == ORDER_TRACKING and call.ok:
            return Outcome.TRACKED
    return Outcome.ASKED
