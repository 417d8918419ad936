from django.urls import path

from assistant.api.views import ChatApi, ChatFeedbackApi, WidgetConfigApi

urlpatterns = [
    path("chat", ChatApi.as_view(), name="chat"),
    path("chat/feedback", ChatFeedbackApi.as_view(), name="chat-feedback"),
    path("chat/widget-config", WidgetConfigApi.as_view(), name="chat-widget-config"),
]
