"""Frames pushed to every open socket of a session, from any process.

The websocket consumer joins each socket to ``session_group(session_id)``; code that is
not a consumer (a staff reply in the admin) reaches the customer by sending a frame to
that group through the channel layer (Redis across processes in production).
"""

from __future__ import annotations

import hashlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


def session_group(session_id: str) -> str:
    """The channel-layer group of a session (group names are limited to 100 ASCII chars)."""
    return "chat." + hashlib.sha256(session_id.encode()).hexdigest()[:40]


def broadcast_to_session(session_id: str, frame: dict) -> None:
    """Send ``frame`` to every socket of the session; a layer outage is logged, not raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(session_group(session_id), {"type": "chat.push", "frame": frame})
    except Exception:
        logger.exception("could not push a frame to session sockets", extra={"session_id": session_id})
