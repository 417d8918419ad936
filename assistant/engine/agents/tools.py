"""The tools agents call. Each goes through ``TurnContext.call_tool`` so it is recorded.

Inputs use the order API's camelCase names (``orderId``) because that is what the
customer-facing ``tool_calls`` record promises.
"""

from __future__ import annotations

from typing import Any

from assistant import metrics
from assistant.engine.agents.base import ToolFailure, ToolResult, TurnContext
from orders.domain import (
    CancelOutcome,
    InvalidOrderId,
    OrderClientError,
    OrderNotFound,
    OrderRecord,
    OrderSystemUnavailable,
    Requester,
)

ORDER_TRACKING = "OrderTrackingAPI"
ORDER_CANCELLATION = "OrderCancellationAPI"
ORDER_DETAILS = "OrderDetailsAPI"
IDENTITY_CHECK = "IdentityVerification"
KNOWLEDGE_BASE_SEARCH = "KnowledgeBaseSearch"


def _order_system_failure(tool: str, exc: OrderClientError) -> ToolFailure:
    if isinstance(exc, OrderNotFound):
        return ToolFailure("not_found")
    if isinstance(exc, InvalidOrderId):
        return ToolFailure("invalid_order_id")
    # ``reason`` is the specific, bounded cause (timeout, circuit_open, bad_response, ...).
    reason = getattr(exc, "reason", "") or getattr(exc, "code", "error")
    metrics.ORDER_SYSTEM_ERRORS.labels(tool=tool, code=reason if isinstance(exc, OrderSystemUnavailable) else "error").inc()
    return ToolFailure("order_system_unavailable")


def _tracking_data(order: OrderRecord) -> dict[str, str | None]:
    return {
        "orderId": order.order_id,
        "status": order.status,
        "eta": order.eta.isoformat() if order.eta else None,
        "carrier": order.carrier or None,
        "trackingNumber": order.tracking_number or None,
    }


def _details_data(order: OrderRecord) -> dict[str, Any]:
    return {
        "orderId": order.order_id,
        "status": order.status,
        "placedAt": order.placed_at.isoformat(),
        "items": [{"name": item.product_name, "quantity": item.quantity} for item in order.items],
        "total": str(order.total),
        "currency": order.currency,
    }


def _get_order(ctx: TurnContext, tool: str, order_id: str) -> OrderRecord:
    try:
        return ctx.orders.get_order(order_id)
    except OrderClientError as exc:
        raise _order_system_failure(tool, exc) from exc


def track_order(ctx: TurnContext, order_id: str) -> ToolResult:
    def run() -> ToolResult:
        order = _get_order(ctx, ORDER_TRACKING, order_id)
        return ToolResult(data=_tracking_data(order), value=order)

    return ctx.call_tool(ORDER_TRACKING, {"orderId": order_id}, run)


def order_details(ctx: TurnContext, order_id: str) -> ToolResult:
    def run() -> ToolResult:
        order = _get_order(ctx, ORDER_DETAILS, order_id)
        return ToolResult(data=_details_data(order), value=order)

    return ctx.call_tool(ORDER_DETAILS, {"orderId": order_id}, run)


def cancel_order(ctx: TurnContext, order_id: str, *, idempotency_key: str) -> ToolResult:
    def run() -> ToolResult:
        requester = Requester(channel=ctx.channel, session_id=ctx.state.session_id, user_id=ctx.user_id)
        try:
            outcome: CancelOutcome = ctx.orders.cancel_order(order_id, idempotency_key=idempotency_key, requester=requester)
        except OrderClientError as exc:
            raise _order_system_failure(ORDER_CANCELLATION, exc) from exc
        data: dict[str, str | bool] = {"status": outcome.status, "refunded": outcome.refunded}
        if outcome.reason:
            data["reason"] = outcome.reason
        return ToolResult(data=data, value=outcome)

    return ctx.call_tool(ORDER_CANCELLATION, {"orderId": order_id}, run)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def verify_identity(ctx: TurnContext, order_id: str, *, email: str = "", method: str = "email") -> ToolResult:
    """Whether ``email`` (or the logged-in account's email) is the order's email.

    An unknown order and a wrong email give the same result, so that order IDs cannot be
    probed through this tool.
    """
    tool_input: dict[str, str] = {"orderId": order_id, "method": method}
    if method == "email":
        tool_input["email"] = mask_email(email)

    def run() -> ToolResult:
        try:
            order = ctx.orders.get_order(order_id)
        except OrderNotFound:
            return ToolResult(data={"verified": False})
        except OrderClientError as exc:
            raise _order_system_failure(IDENTITY_CHECK, exc) from exc
        verified = bool(email) and order.customer_email.strip().lower() == email.strip().lower()
        return ToolResult(data={"verified": verified}, value=order if verified else None)

    return ctx.call_tool(IDENTITY_CHECK, tool_input, run)


def search_knowledge_base(
    ctx: TurnContext, query: str, *, product: str | None = None, product_from_context: bool = False, limit: int = 3
) -> ToolResult:
    """One knowledge-base search, recorded as one tool call.

    ``product_from_context``: the customer named no product, the conversation did. The
    question is then searched as asked (the product only ranks its own entries first) and
    as if the customer had named the product, and the more confident ranking is kept (the
    question as asked on a tie): "what comes in the box?" after the headphones finds the
    headphones' box contents, "how long does shipping take?" still finds shipping.
    """
    from knowledge.selectors import faq_search

    tool_input: dict[str, str | bool] = {"query": query}
    if product:
        tool_input["product"] = product
    if product_from_context:
        tool_input["productFromContext"] = True

    def run() -> ToolResult:
        with metrics.KB_SEARCH_LATENCY.time():
            hits = faq_search(query=query, limit=limit, product=product)
            if product_from_context and product:
                named = faq_search(query=f"{query} {product}", limit=limit, product=product)
                if named and (not hits or named[0].score > hits[0].score) and _shares_a_word(query, named[0].question, product):
                    hits = named
        best = hits[0] if hits and hits[0].confident else None
        data = {
            "answerFound": best is not None,
            "matches": [{"id": hit.entry_id, "question": hit.question, "score": round(hit.score, 3)} for hit in hits],
        }
        if best is None:
            metrics.KB_NO_ANSWER.inc()
        return ToolResult(data=data, value=best)

    return ctx.call_tool(KNOWLEDGE_BASE_SEARCH, tool_input, run)


def _shares_a_word(query: str, question: str, product: str) -> bool:
    """Whether the entry found with the conversation's product answers something the customer
    asked, not only the product: "do you accept bitcoin?" after the headphones must not get
    the headphones' battery life because the product's name matched."""
    from knowledge.search.text import analyse

    product_terms = set(analyse(product))
    return bool((set(analyse(query)) - product_terms) & (set(analyse(question)) - product_terms))
