from django.urls import path

from assistant.api import ChatApi
from assistant.views import shop_demo

urlpatterns = [
    path("", shop_demo, name="shop-demo"),
    path("chat", ChatApi.as_view(), name="chat"),
]
