"""The project's URLs plus a bare endpoint, for benchmarks only (DJANGO_ROOT_URLCONF=benchmarks.urls)."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from assistant.api.views import json_object
from assistant.engine.chat_input import clean_chat_input
from config.urls import urlpatterns as project_urlpatterns


class BareValidateApi(APIView):
    """Parses and validates a chat request exactly as POST /chat does, and does nothing else."""

    authentication_classes = []
    permission_classes = []

    def post(self, request):
        data = json_object(request.data)
        session_id, message = clean_chat_input(session_id=data.get("session_id"), message=data.get("message"))
        return Response({"session_id": session_id, "length": len(message)})


urlpatterns = [path("bench/validate", BareValidateApi.as_view()), *project_urlpatterns]
