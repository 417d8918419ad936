"""Websocket routes. The chat consumer joins here (realtime issue)."""

websocket_urlpatterns: list = []
