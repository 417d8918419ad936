"""The HTTP transport of the chat: ``POST /chat`` and ``POST /chat/feedback``."""
