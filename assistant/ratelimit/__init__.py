"""Every rate limit of the chat: turns per client IP and per conversation (``chat``, shared by
both transports; ``throttles`` for DRF), open websockets per address (``connections``) and the
per-socket flood bucket (``buckets``)."""
