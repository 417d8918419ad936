"""Chat websockets for tests: the websocket side of config/asgi.py through Channels'
WebsocketCommunicator (use with the ``in_memory_layer`` fixture)."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import OriginValidator
from channels.testing import WebsocketCommunicator

from assistant.realtime.routing import websocket_urlpatterns

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
TIMEOUT = 10


def application():
    """The websocket side of config/asgi.py, built after the test's settings apply."""
    from config.asgi import websocket_allowed_origins

    return OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), websocket_allowed_origins())


async def open_socket(session_id: str = "sess-ws-1", origin=ORIGIN) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application(), f"/ws/chat/{session_id}/", headers=[origin] if origin else [])
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


async def receive(communicator: WebsocketCommunicator) -> dict:
    return await communicator.receive_json_from(timeout=TIMEOUT)


async def open_with_history(session_id: str = "sess-ws-1", token: str = "") -> tuple[WebsocketCommunicator, list]:
    """A socket on ``session_id``; with ``token`` it resumes that conversation (the ``resume`` frame)."""
    communicator = await open_socket(session_id)
    frame = await receive(communicator)
    assert frame == {"type": "history", "messages": []}  # nothing before the socket proves anything
    if not token:
        return communicator, frame["messages"]
    await communicator.send_json_to({"type": "resume", "token": token})
    frame = await receive(communicator)
    assert frame["type"] == "history" and frame["resumed"] is True
    return communicator, frame["messages"]


async def receive_issued_token(communicator: WebsocketCommunicator) -> str:
    """The ``session`` frame a socket gets with the first reply of a conversation it started."""
    frame = await receive(communicator)
    assert frame["type"] == "session" and frame["token"], frame
    return frame["token"]
