from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health, metrics_access

# An error outside a DRF view (a middleware, say) still answers the API in JSON.
handler500 = "core.exceptions.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL (/docs?script=), not
    # inline, so /docs works under the Content-Security-Policy's script-src 'self'.
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("api/orders/", include("orders.urls")),
    # django-prometheus's view, for allowed addresses or the bearer token only.
    path("metrics", metrics_access.metrics, name="prometheus-django-metrics"),
    path("", include("assistant.api.urls")),
    path("", include("demo.urls")),
]
