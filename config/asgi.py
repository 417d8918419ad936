"""ASGI entry point: HTTP and websockets on one port, served by daphne."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Build Django first: the routing below imports consumers, which import models.
django_asgi_app = get_asgi_application()

from core.tracing import configure_tracing  # noqa: E402

configure_tracing()  # spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from assistant.realtime.routing import websocket_urlpatterns  # noqa: E402


def websocket_allowed_origins() -> list[str]:
    """Browsers may open the chat socket from our own hosts and from the shops' sites
    that embed the widget (WIDGET_ALLOWED_ORIGINS); anything else is refused (403)."""
    hosts = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
    return [*hosts, *settings.WIDGET_ALLOWED_ORIGINS]


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), websocket_allowed_origins()),
    }
)

from assistant.warmup import warm_up  # noqa: E402

warm_up()
