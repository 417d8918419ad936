"""Channel-layer calls that never take a chat down.

The channel layer (channels-redis in production) only fans a turn's frames out to the
session's other sockets and carries staff replies. When Redis fails, a socket must keep
answering its own customer: every call is bounded in time, and a failure is a log line
and a metric (``assistant_channel_layer_errors_total``), not an exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from assistant import metrics

logger = logging.getLogger(__name__)

# A layer call that has not finished by then is abandoned (a black-holed Redis would
# otherwise hold a socket for the OS's TCP timeout, minutes).
CALL_TIMEOUT_SECONDS = 0.5
# A socket whose layer receive fails retries after this, doubling up to the maximum.
RECEIVE_RETRY_SECONDS = 0.5
RECEIVE_RETRY_MAX_SECONDS = 30.0


async def layer_call(action: str, call: Awaitable, *, session_id: str = "") -> bool:
    """Await ``call`` (``group_add``, ``group_send``...); False when the layer failed."""
    try:
        await asyncio.wait_for(call, timeout=CALL_TIMEOUT_SECONDS)
        return True
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        logger.warning(
            "channel layer %s failed (%s); the chat goes on without it",
            action,
            exc.__class__.__name__,
            extra={"session_id": session_id},
        )
        metrics.CHANNEL_LAYER_ERRORS.labels(action=action).inc()
        return False


async def receive_resiliently(receive: Callable[[], Awaitable[dict]]) -> dict:
    """The layer's next message for this socket, retrying with backoff while the layer fails."""
    delay = RECEIVE_RETRY_SECONDS
    while True:
        try:
            return await receive()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # One line per retry: at most one a RECEIVE_RETRY_MAX_SECONDS per socket.
            logger.warning("channel layer receive failed (%s); retrying in %.1f s", exc.__class__.__name__, delay)
            metrics.CHANNEL_LAYER_ERRORS.labels(action="receive").inc()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECEIVE_RETRY_MAX_SECONDS)


class ResilientLayerMixin:
    """For a Channels consumer: a failing layer receive is retried, not fatal.

    Channels reads the layer through ``self.channel_receive`` and ends the connection
    (close code 1011) when it raises; this wraps what Channels assigns there.
    """

    @property
    def channel_receive(self) -> Callable[[], Awaitable[dict]]:
        return lambda: receive_resiliently(self._layer_receive)

    @channel_receive.setter
    def channel_receive(self, receive: Callable[[], Awaitable[dict]]) -> None:
        self._layer_receive = receive
