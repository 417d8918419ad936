"""The chat websocket: ``ws://HOST/ws/chat/<session_id>/``.

A thin transport over ``assistant.services.chat_turn``, like the REST view. The frames
(all JSON text) are documented in docs/realtime.md:

- client -> server: ``{"type": "resume", "token": "..."}`` first (the session's secret,
  never in the URL), then ``{"type": "message", "message": "..."}`` (optionally with
  ``"language"``: the customer's language as a hint, as in ``POST /chat``)
- server -> client: ``history`` (empty on connect; the answer to ``resume``, with
  ``resumed``: the conversation's messages when the token holds it, else none), ``session`` (a token issued for a socket that had
  none), ``typing`` at once, then ``reply`` (the same payload as ``POST /chat``),
  ``user_message`` (a message sent from another tab of the same conversation) and
  ``error`` (``code`` + ``message``; the socket stays open).

Every socket that holds a conversation's token joins one channel-layer group, named
after the conversation's internal key (assistant.sessions), never after the session ID
in the URL: a socket that only knows the session ID is a new visitor and hears nothing
of the conversation. A turn's frames reach every open tab of the conversation, in every
server process when the layer is Redis.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from assistant import metrics
from assistant.engine.chat_input import MESSAGE_MAX_LENGTH, ChatInputError, clean_message, clean_session_id
from assistant.engine.locks import SessionBusy
from assistant.language import clean_language_hint
from assistant.ratelimit.buckets import TokenBucket
from assistant.ratelimit.chat import websocket_turn_allowed
from assistant.ratelimit.connections import ws_connection_admit, ws_connection_release
from assistant.realtime.broadcast import session_group
from assistant.realtime.channel_layer import ResilientLayerMixin, layer_call
from assistant.selectors import conversation_history
from assistant.services import chat_turn
from assistant.sessions import clean_token, conversation_find
from core.client_ip import scope_client_ip
from core.exceptions import DATABASE_UNAVAILABLE
from core.logs import bind_request_context
from core.parsers import json_loads
from core.session_hash import session_hash
from core.tracing import span

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's own range).
CLOSE_INVALID_SESSION = 4400  # the session ID in the URL is not valid
CLOSE_FLOODING = 4429  # the client kept sending after it was throttled

# A frame bigger than this is refused before it is parsed. It leaves room for a message
# of MESSAGE_MAX_LENGTH characters even when every character is \u-escaped.
MAX_FRAME_CHARS = MESSAGE_MAX_LENGTH * 6 + 256
# Messages a socket may have waiting for the engine; more is flooding too.
MAX_QUEUED_TURNS = 5


def _error(code: str, message: str, **extra) -> dict:
    return {"type": "error", "code": code, "message": message, **extra}


def _input_error(exc: ChatInputError) -> dict:
    problem = exc.problems[0]  # the session ID was checked on connect: the message or the language is left
    return _error(problem.code, f"{problem.field}: {problem.message}", field=problem.field)


# ResilientLayerMixin: a channel-layer (Redis) outage costs other tabs their frames, never
# this socket its answers; every layer call below is best-effort (assistant.realtime.channel_layer).
class ChatConsumer(ResilientLayerMixin, AsyncJsonWebsocketConsumer):
    session_id: str = ""
    opened: bool = False  # accepted with a valid session ID
    # Set once the socket holds the conversation (a valid ``resume`` or a token issued
    # by its first turn): the group of the conversation's internal key, and the token.
    group: str = ""
    token: str = ""

    # --- lifecycle ---------------------------------------------------------------------

    async def connect(self) -> None:
        raw_session_id = self.scope["url_route"]["kwargs"]["session_id"]
        await self.accept()
        if not await ws_connection_admit(self):  # open sockets per address (CHAT_WS_MAX_CONNECTIONS_PER_IP)
            return
        try:
            self.session_id = clean_session_id(raw_session_id)
        except ChatInputError as exc:
            await self.send_json(_error("invalid_session_id", exc.problems[0].message, field="session_id"))
            await self.close(code=CLOSE_INVALID_SESSION)
            return
        self.opened = True
        self.bucket = TokenBucket(burst=settings.CHAT_WS_RATE_BURST, rate=settings.CHAT_WS_RATE_PER_SECOND)
        self.strikes = 0
        # (message, language hint) of each turn waiting for the engine.
        self.turns: asyncio.Queue[tuple[str, str]] = asyncio.Queue(maxsize=MAX_QUEUED_TURNS)
        # Turns run one after another in their own task, so this socket keeps reading
        # (errors, throttling, other tabs' frames) while the engine works.
        self.worker = asyncio.create_task(self._run_turns())
        metrics.WEBSOCKET_CONNECTIONS.inc()
        # Nothing of the conversation until the client proves it holds it (``resume``):
        # until then the socket is a new visitor, with an empty history.
        await self.send_json({"type": "history", "messages": []})

    async def disconnect(self, code: int) -> None:
        await ws_connection_release(self)
        if not self.opened:
            return
        metrics.WEBSOCKET_CONNECTIONS.dec()
        self.worker.cancel()
        if self.group:
            await layer_call(
                "group_discard", self.channel_layer.group_discard(self.group, self.channel_name), session_id=self.session_id
            )

    async def _hold(self, *, conversation_key: str, token: str) -> None:
        """From now on this socket is a tab of the conversation ``conversation_key``."""
        group = session_group(conversation_key)
        if group != self.group:
            if self.group:
                await layer_call(
                    "group_discard", self.channel_layer.group_discard(self.group, self.channel_name), session_id=self.session_id
                )
            await layer_call("group_add", self.channel_layer.group_add(group, self.channel_name), session_id=self.session_id)
            self.group = group
        self.token = token

    # --- frames from the client --------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        if not self.opened:
            return
        if not self.bucket.allow():
            await self._throttled()
            return
        self.strikes = 0
        if text_data is None:
            await self.send_json(_error("binary_not_supported", "Send JSON text frames, not binary frames."))
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.send_json(_error("frame_too_large", f"A frame must be at most {MAX_FRAME_CHARS} characters."))
            return
        try:
            content = json_loads(text_data)  # too-deep nesting is a ValueError too
        except ValueError:
            await self.send_json(_error("invalid_json", "The frame is not valid JSON."))
            return
        if not isinstance(content, dict):
            await self.send_json(_error("invalid_frame", 'A frame must be a JSON object with a "type".'))
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        frame_type = content.get("type")
        if frame_type == "resume":
            await self._resume(content.get("token"))
            return
        if frame_type != "message":
            await self.send_json(_error("unknown_type", f'Unknown frame type {frame_type!r}; send {{"type": "message"}}.'))
            return
        # The engine validates the message again; checked here too so that a bad frame is
        # answered at once, before the turn limits count it and before ``typing``.
        try:
            message = clean_message(content.get("message"))
            language = clean_language_hint(content.get("language"), served=settings.SHOP_LANGUAGES)
        except ChatInputError as exc:
            await self.send_json(_input_error(exc))
            return
        # The chat turn limits of POST /chat (per IP, per conversation), shared with it.
        limit = await websocket_turn_allowed(client_ip=scope_client_ip(self.scope), session_id=self.session_id)
        if not limit.allowed:
            await self.send_json(_error("throttled", "Too many messages; try again shortly.", retry_after=limit.retry_after))
            return
        try:
            self.turns.put_nowait((message, language))
        except asyncio.QueueFull:
            await self.send_json(_error("too_many_pending", "Wait for the replies to your earlier messages before sending more."))
            return
        await self.send_json({"type": "typing"})
        if self.group:
            await layer_call(
                "group_send",
                self.channel_layer.group_send(
                    self.group, {"type": "chat.user_message", "message": message, "sender": self.channel_name}
                ),
                session_id=self.session_id,
            )

    async def _resume(self, raw_token: object) -> None:
        """The ``resume`` frame: the conversation's history and live turns, for its token only."""
        if self.group:
            await self.send_json(_error("already_resumed", "This socket already holds its conversation."))
            return
        token = clean_token(raw_token)
        conversation = None
        if token:
            conversation = await database_sync_to_async(conversation_find, thread_sensitive=False)(
                session_id=self.session_id, token=token
            )
        if conversation is None:
            # A new visitor (no token, or not this session's): nothing to show. The
            # first message starts a conversation of its own and issues its token.
            await self.send_json({"type": "history", "messages": [], "resumed": False})
            return
        await self._hold(conversation_key=conversation.session_id, token=token)
        messages = await database_sync_to_async(conversation_history, thread_sensitive=False)(
            session_id=conversation.session_id, limit=settings.CHAT_WS_HISTORY_LIMIT
        )
        await self.send_json({"type": "history", "messages": messages, "resumed": True})

    async def _throttled(self) -> None:
        self.strikes += 1
        if self.strikes > settings.CHAT_WS_FLOOD_STRIKES:
            logger.warning("closing a flooding chat socket", extra={"session_id": self.session_id})
            await self.close(code=CLOSE_FLOODING)
            return
        await self.send_json(_error("rate_limited", "Too many frames: slow down, or the connection will be closed."))

    # --- the turns ---------------------------------------------------------------------

    async def _run_turns(self) -> None:
        while True:
            message, language = await self.turns.get()
            frame = await self._answer(message, language)
            await self.send_json(frame)
            if frame["type"] == "reply" and self.group:
                await layer_call(
                    "group_send",
                    self.channel_layer.group_send(
                        self.group, {"type": "chat.reply", "frame": frame, "sender": self.channel_name}
                    ),
                    session_id=self.session_id,
                )

    async def _answer(self, message: str, language: str) -> dict:
        user = self.scope.get("user")
        # Each websocket turn gets what an HTTP request gets from core.middleware: a
        # request ID on its log lines and a parent span (whose trace ID they carry too).
        bind_request_context(request_id=uuid.uuid4().hex)
        try:
            # Not thread-sensitive: turns of different sessions run side by side in the
            # thread pool (the engine's session lock may wait), as HTTP requests do.
            with span("websocket message", session_id=session_hash(self.session_id)):
                reply = await database_sync_to_async(chat_turn, thread_sensitive=False)(
                    session_id=self.session_id,
                    message=message,
                    user=user,
                    channel="websocket",
                    client_ip=scope_client_ip(self.scope),
                    session_token=self.token,
                    language=language,
                )
        except ChatInputError as exc:
            return _input_error(exc)
        except SessionBusy:
            return _error("session_busy", "This conversation is busy with another message; try again.")
        except DATABASE_UNAVAILABLE:
            logger.error("chat turn failed: database unavailable", exc_info=True, extra={"session_id": self.session_id})
            return _error("service_unavailable", "We cannot reach our records right now; please try again in a few seconds.")
        except Exception:
            logger.exception("chat turn failed", extra={"session_id": self.session_id})
            return _error("internal_error", "Something went wrong on our side; please try again.")
        if reply.session_token:
            # This socket did not hold the conversation: it now holds a new one. The
            # token goes to this socket only (the widget shares it with its other tabs).
            await self._hold(conversation_key=reply.conversation_key, token=reply.session_token)
            await self.send_json({"type": "session", "token": reply.session_token})
        return {"type": "reply", **reply.as_payload(), "id": reply.message_id}

    # --- frames from other sockets of the same session ---------------------------------

    async def chat_user_message(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send_json({"type": "user_message", "message": event["message"]})
            await self.send_json({"type": "typing"})

    async def chat_reply(self, event: dict) -> None:
        if event["sender"] != self.channel_name:
            await self.send_json(event["frame"])

    async def chat_push(self, event: dict) -> None:
        """A frame from outside the sockets, e.g. a staff member's reply (assistant.realtime.broadcast)."""
        await self.send_json(event["frame"])
