"""The demo shop page: a small catalogue with the chat widget embedded as a shop would."""

from __future__ import annotations

from django.shortcuts import render

from demo.catalogue import DEMO_CATALOGUE


def shop_demo(request):
    """GET / : the demo shop. The widget's tag points at this same server."""
    return render(
        request,
        "demo/shop.html",
        {"products": DEMO_CATALOGUE, "widget_endpoint": request.build_absolute_uri("/")},
    )
