"""The HTTP transport of the chat: ``POST /chat``, ``POST /chat/feedback`` and ``GET /chat/widget-config``."""
