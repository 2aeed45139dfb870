from __future__ import annotations

from django.utils import translation
from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF token auth that also applies the user's remembered language when the
    request does not say which one it wants."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user = result[0]
            if "HTTP_ACCEPT_LANGUAGE" not in request.META and user.language:
                translation.activate(user.language)
                request._request.LANGUAGE_CODE = user.language
        return result
