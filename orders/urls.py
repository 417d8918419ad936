from django.urls import path

from orders.api import OrderCancelApi, OrderDetailApi

# The order ID is matched loosely here and validated in the view, so a malformed ID is a
# 400 that says what is wrong rather than a bare 404.
urlpatterns = [
    path("<str:order_id>", OrderDetailApi.as_view(), name="order-detail"),
    path("<str:order_id>/cancel", OrderCancelApi.as_view(), name="order-cancel"),
]
