"""Spans: each chat turn is one trace, recorded here by OpenTelemetry's in-memory exporter."""

from __future__ import annotations

import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.logs import formatter
from core.tracing import build_tracer_provider
from tests.orders.factories import OrderFactory

_EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module")
def recorded_spans():
    """The process's tracer provider records into memory (set once: OTel allows one global)."""
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)
    yield _EXPORTER
    _EXPORTER.clear()


@pytest.fixture
def spans(recorded_spans):
    recorded_spans.clear()
    yield recorded_spans
    recorded_spans.clear()


@pytest.mark.django_db
def test_a_chat_turn_is_a_span_tree_from_the_request_down_to_each_tool_call(client, spans):
    OrderFactory(order_id="ORD-2001", customer_email="sam@example.com")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(json=True))
    logging.getLogger().addHandler(handler)
    try:
        response = client.post(
            "/chat",
            {"session_id": "trace-1", "message": "Where is order ORD-2001? My email is sam@example.com"},
            content_type="application/json",
        )
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.status_code == 200

    finished = spans.get_finished_spans()
    by_name = {span.name: span for span in finished}
    request = by_name["POST /chat"]
    turn = by_name["chat turn"]
    orchestrator = by_name["agent OrchestratorAgent"]
    agent_name = response.json()["agent"]
    agent = by_name[f"agent {agent_name}"]
    tools = [span for span in finished if span.name.startswith("tool ")]

    assert request.parent is None and request.kind == trace.SpanKind.SERVER
    assert request.attributes["http.route"] == "/chat"
    assert request.attributes["http.response.status_code"] == 200
    assert turn.parent.span_id == request.context.span_id
    assert orchestrator.parent.span_id == turn.context.span_id
    assert agent.parent.span_id == turn.context.span_id
    # Traces leave the process like logs: they carry the session ID's keyed hash, never the ID.
    from core.session_hash import session_hash

    assert turn.attributes["session_id"] == session_hash("trace-1") != "trace-1"
    assert orchestrator.attributes["agent"] == "OrchestratorAgent"
    assert agent.attributes["agent"] == agent_name and agent.attributes["intent"] == "track"
    assert tools, "the agent called tools"
    for tool in tools:
        assert tool.parent.span_id == agent.context.span_id
        assert tool.attributes["tool"] == tool.name.removeprefix("tool ")
        assert tool.attributes["order_id"] == "ORD-2001"
        assert tool.attributes["outcome"] == "ok"
    assert {span.context.trace_id for span in finished} == {request.context.trace_id}

    # The trace ID is on the log lines of that turn.
    trace_id = format(request.context.trace_id, "032x")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {line["event"] for line in lines} >= {"chat turn", "tool call", "request finished"}
    assert all(line["trace_id"] == trace_id for line in lines)


@pytest.mark.django_db
def test_an_incoming_traceparent_continues_the_callers_trace(client, spans):
    caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    client.post(
        "/chat",
        {"session_id": "trace-2", "message": "hello"},
        content_type="application/json",
        HTTP_TRACEPARENT=f"00-{caller_trace}-00f067aa0ba902b7-01",
    )
    request = next(span for span in spans.get_finished_spans() if span.name == "POST /chat")
    assert format(request.context.trace_id, "032x") == caller_trace


def test_without_an_otlp_endpoint_no_sdk_is_installed():
    assert build_tracer_provider({}) is None


class _Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Collector.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_with_an_otlp_endpoint_spans_are_exported_over_http():
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        provider = build_tracer_provider(
            {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{server.server_port}", "OTEL_SERVICE_NAME": "shop-a"}
        )
        with provider.get_tracer("test").start_as_current_span("chat turn") as span:
            span.set_attribute("agent", "OrderTrackingAgent")
        assert provider.force_flush(5000)
        provider.shutdown()
    finally:
        server.shutdown()

    path, body = _Collector.received[-1]
    assert path == "/v1/traces"
    exported = ExportTraceServiceRequest.FromString(body)
    resource_spans = exported.resource_spans[0]
    service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}["service.name"]
    (span,) = resource_spans.scope_spans[0].spans
    assert service == "shop-a" and span.name == "chat turn"


@pytest.mark.anyio
@pytest.mark.django_db(transaction=True)
async def test_a_websocket_turn_is_a_trace_too(spans, in_memory_layer):
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from assistant.realtime.routing import websocket_urlpatterns

    socket = WebsocketCommunicator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), "/ws/chat/trace-ws/")
    try:
        assert (await socket.connect(timeout=10))[0]
        await socket.receive_json_from(timeout=10)  # history
        await socket.send_json_to({"type": "message", "message": "hello"})
        while (await socket.receive_json_from(timeout=10))["type"] != "reply":
            pass
    finally:
        await socket.disconnect()

    finished = {span.name: span for span in spans.get_finished_spans()}
    parent = finished["websocket message"]
    assert finished["chat turn"].parent.span_id == parent.context.span_id
    assert finished["chat turn"].attributes["channel"] == "websocket"
