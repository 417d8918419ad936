"""Websocket routes, served by daphne beside HTTP (config/asgi.py)."""

from django.urls import re_path

from assistant.realtime.consumers import ChatConsumer

# Any segment is routed, so an invalid session ID gets a clear error frame and close
# code (4400) instead of a bare refused handshake.
websocket_urlpatterns: list = [
    re_path(r"^ws/chat/(?P<session_id>[^/]+)/$", ChatConsumer.as_asgi()),
]
