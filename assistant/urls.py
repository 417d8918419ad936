from django.urls import path

from assistant.api import ChatApi, ChatFeedbackApi
from assistant.views import shop_demo

urlpatterns = [
    path("", shop_demo, name="shop-demo"),
    path("chat", ChatApi.as_view(), name="chat"),
    path("chat/feedback", ChatFeedbackApi.as_view(), name="chat-feedback"),
]
