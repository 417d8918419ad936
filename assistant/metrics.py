"""The assistant's own Prometheus metrics, served at /metrics beside django-prometheus's.

Labels are bounded: agent and tool names, outcomes and intents come from fixed sets in
code; never a session or order ID.
"""

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

TURNS = Counter("assistant_turns_total", "Chat turns answered, by the agent that owned the turn.", ["agent", "channel"])
HANDOVERS = Counter("assistant_handovers_total", "Handovers between agents.", ["from_agent", "to_agent"])
TOOL_CALLS = Counter("assistant_tool_calls_total", "Tool calls by tool and outcome.", ["tool", "outcome"])
AGENT_LATENCY = Histogram(
    "assistant_agent_duration_seconds", "Time an agent spent on a turn.", ["agent"], buckets=LATENCY_BUCKETS
)
TOOL_LATENCY = Histogram("assistant_tool_duration_seconds", "Time a tool call took.", ["tool"], buckets=LATENCY_BUCKETS)
TURN_LATENCY = Histogram(
    "assistant_turn_duration_seconds", "Time a whole chat turn took in the engine.", ["channel"], buckets=LATENCY_BUCKETS
)
KB_SEARCH_LATENCY = Histogram("assistant_kb_search_duration_seconds", "Knowledge-base search latency.", buckets=LATENCY_BUCKETS)
KB_NO_ANSWER = Counter("assistant_kb_no_answer_total", "Product questions the knowledge base could not answer.")
IDENTITY_CHECK_FAILURES = Counter("assistant_identity_check_failures_total", "Failed order-ownership checks.", ["reason"])
FALLBACKS = Counter("assistant_fallbacks_total", "Turns answered by the fallback agent.", ["reason"])
ORDER_SYSTEM_ERRORS = Counter(
    "assistant_order_system_errors_total", "Order-system failures seen by the agents.", ["tool", "code"]
)
CHAT_THROTTLED = Counter(
    "assistant_chat_throttled_total", "Chat turns refused by a rate limit, by limit (ip or session).", ["scope"]
)
WEBSOCKET_CONNECTIONS = Gauge("assistant_websocket_connections", "Open chat websocket connections.", multiprocess_mode="livesum")
# Dependency outages the chat answered through (docs/security.md, "Failing safely").
CACHE_ERRORS = Counter(
    "assistant_cache_errors_total",
    "Cache (Redis) calls that failed and were worked around, by component (session_lock, rate_limit).",
    ["component"],
)
CHANNEL_LAYER_ERRORS = Counter(
    "assistant_channel_layer_errors_total",
    "Channel-layer (Redis) calls that failed; the turn was answered anyway, other tabs may miss its frames.",
    ["action"],
)
TURNS_NOT_STORED = Counter(
    "assistant_turns_not_stored_total",
    "Chat turns whose messages could not be stored, by whether a tool had changed an order.",
    ["with_side_effects"],
)
