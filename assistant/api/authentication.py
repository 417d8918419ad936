from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


class JsonOnlySessionAuthentication(SessionAuthentication):
    """The shop's logged-in customer, from Django's session, for ``POST /chat``.

    CSRF is not enforced because the chat endpoint parses nothing but
    ``application/json``: a browser cannot send that cross-site without a CORS
    preflight that this project does not grant, and the form-encodable content types
    a forged request could use are refused with a 400 before any view code runs.
    """

    def enforce_csrf(self, request):
        return None


class JsonOnlySessionScheme(SessionScheme):
    """Documents it in the OpenAPI schema as Django's session cookie (and keeps
    ``check --deploy`` free of drf-spectacular's "could not resolve authenticator")."""

    target_class = JsonOnlySessionAuthentication
