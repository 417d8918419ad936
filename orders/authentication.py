"""``X-API-Key`` authentication for the order API: no key is a 401, a wrong key a 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from orders.api_keys import api_key_verify
from orders.models import ApiKey
from orders.wire import API_KEY_HEADER


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiKey] | None:
        raw_key = request.headers.get(API_KEY_HEADER, "").strip()
        if not raw_key:
            return None  # the permission then answers 401 with WWW-Authenticate
        api_key = api_key_verify(raw_key=raw_key)
        if api_key is None:
            raise exceptions.PermissionDenied(f"The API key in {API_KEY_HEADER} is not valid or has been revoked.")
        # No Django user stands behind a key: the key itself is the credential.
        return (AnonymousUser(), api_key)

    def authenticate_header(self, request: Request) -> str:
        return API_KEY_HEADER


class HasApiKey(permissions.BasePermission):
    message = f"Send an API key in the {API_KEY_HEADER} header."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if isinstance(request.auth, ApiKey):
            return True
        raise exceptions.NotAuthenticated(self.message)


# drf-spectacular's __init_subclass__ (it registers the extension) has no annotations.
class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}
