"""Frames pushed to every open socket of a session, from any process.

The websocket consumer joins each socket that holds a conversation's token to
``session_group(conversation.session_id)``: the conversation's internal key
(assistant.sessions), which differs from the session ID in the URL for a visitor who
named someone else's session. Code that is not a consumer (a staff reply in the admin)
reaches the customer by sending a frame to that group through the channel layer (Redis
across processes in production), always with the stored ``Conversation.session_id``.
"""

from __future__ import annotations

import hashlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from assistant.realtime.channel_layer import layer_call

logger = logging.getLogger(__name__)


def session_group(session_id: str) -> str:
    """The channel-layer group of a conversation's internal key (names are limited to 100 ASCII chars)."""
    return "chat." + hashlib.sha256(session_id.encode()).hexdigest()[:40]


def broadcast_to_session(session_id: str, frame: dict) -> None:
    """Send ``frame`` to every socket of the session; a layer outage is logged, not raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "chat.push", "frame": frame}
    try:
        async_to_sync(layer_call)("push", layer.group_send(session_group(session_id), message), session_id=session_id)
    except Exception:
        logger.exception("could not push a frame to session sockets", extra={"session_id": session_id})
