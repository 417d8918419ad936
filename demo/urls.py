from django.urls import path

from demo.views import shop_demo

urlpatterns = [
    path("", shop_demo, name="shop-demo"),
]
