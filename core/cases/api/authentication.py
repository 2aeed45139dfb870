"""How a data source (integrator) signs in: its own API key, its own rate limit.
Used by every endpoint that takes reports from sources (cases, FHIR, beds)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from core.api.throttling import WindowRateThrottle
from core.cases.models import Integrator
from core.cases.services import integrator_authenticate


class IntegratorKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer sgi_…` (or `X-Api-Key: sgi_…`): a source's own API key.
    request.user and request.auth are then the Integrator."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        key = None
        if header and header[0].lower() == self.keyword.lower().encode():
            if len(header) != 2:
                raise exceptions.AuthenticationFailed("Invalid Authorization header.")
            key = header[1].decode(errors="replace")
        elif request.META.get("HTTP_X_API_KEY"):
            key = request.META["HTTP_X_API_KEY"].strip()
        if key is None:
            return None
        integrator = integrator_authenticate(key)
        if integrator is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked integrator key.")
        return integrator, integrator

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="sigap-integrators"'


class IntegratorKeyScheme(OpenApiAuthenticationExtension):
    target_class = "core.cases.api.authentication.IntegratorKeyAuthentication"
    name = "integratorKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Integrator API key (sgi_…)",
        }


class IsIntegrator(BasePermission):
    message = "Only a registered data source (integrator key) may send case reports."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, Integrator)


class IntegratorRateThrottle(WindowRateThrottle):
    scope = "integrator"

    def get_rate(self) -> str:
        from django.conf import settings

        return settings.SIGAP_THROTTLE_INTEGRATOR

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, Integrator):
            return f"throttle_integrator_{request.auth.pk}"
        return f"throttle_integrator_ip_{self.get_ident(request)}"
