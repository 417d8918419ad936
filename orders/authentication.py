"""``X-API-Key`` authentication for the order API: no key is a 401, a wrong key a 403."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from orders.api_keys import api_key_verify
from orders.models import ApiKey

API_KEY_HEADER = "X-API-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw_key = request.headers.get(API_KEY_HEADER, "").strip()
        if not raw_key:
            return None  # the permission then answers 401 with WWW-Authenticate
        api_key = api_key_verify(raw_key=raw_key)
        if api_key is None:
            raise exceptions.PermissionDenied("The API key in X-API-Key is not valid or has been revoked.")
        # No Django user stands behind a key: the key itself is the credential.
        return (AnonymousUser(), api_key)

    def authenticate_header(self, request) -> str:
        return API_KEY_HEADER


class HasApiKey(permissions.BasePermission):
    message = "Send an API key in the X-API-Key header."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            return True
        raise exceptions.NotAuthenticated(self.message)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}
