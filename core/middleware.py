from __future__ import annotations

import re
import uuid

from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from core.logging import request_id_var
from core.rules import WIB_ZONE

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tags every request (and its log lines) with an id, echoed as X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset afterwards: Django logs the response status outside the middleware
        # chain, and every request sets its own id first anyway.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ApiErrorFormatMiddleware:
    """API paths answer in the one JSON error format in every mode.

    With DEBUG on, Django answers an unknown URL (404) and a refused request (400: a
    Host header not in ALLOWED_HOSTS, any SuspiciousOperation) with its technical HTML
    page and never calls ``handler404``/``handler400``; a client (or a schema fuzzer)
    then gets HTML from ``/api/``. This runs before LanguageMiddleware, so the
    language is read from the request here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in (400, 404)
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from core.api.exceptions import json_400, json_404

            lang = translation.get_language_from_request(request)
            with translation.override(lang if lang in ("id", "en") else "id"):
                if response.status_code == 404:
                    response = json_404(request)
                else:
                    response = json_400(request)
        return response


class PrivateApiResponsesMiddleware:
    """An API answer to a signed-in caller (token or session) is theirs alone:
    `Cache-Control: private, no-store` unless the view chose otherwise, so no shared
    cache or the phone's HTTP cache keeps a person's health data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and "Cache-Control" not in response
            and (
                "HTTP_AUTHORIZATION" in request.META
                or getattr(getattr(request, "user", None), "is_authenticated", False)
            )
        ):
            response["Cache-Control"] = "private, no-store"
        return response


class LanguageMiddleware:
    """Bahasa Indonesia first.

    API clients choose with Accept-Language (token users fall back to their remembered
    language, see core.api.authentication). Pages (admin, dashboard) are Indonesian
    unless the person picked English: their language cookie or signed-in user's setting.
    The public pages (the map, open data) also follow the browser's Accept-Language
    when no choice was made: their visitors are the public, not staff who work in
    Indonesian.
    """

    PUBLIC_PAGES = ("/peta/", "/data/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            lang = translation.get_language_from_request(request)
        else:
            lang = request.COOKIES.get("django_language")
            user = getattr(request, "user", None)
            if not lang and user is not None and user.is_authenticated:
                lang = user.language
            if not lang and (
                request.path == "/" or request.path.startswith(self.PUBLIC_PAGES)
            ):
                lang = translation.get_language_from_request(request)
        lang = lang if lang in ("id", "en") else "id"
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        # The view may have switched (a token user's remembered language).
        response.headers.setdefault(
            "Content-Language", translation.get_language() or lang
        )
        patch_vary_headers(response, ["Accept-Language"])
        if not request.path.startswith("/api/") and response.get(
            "Content-Type", ""
        ).startswith("text/html"):
            # A page's language cookie chooses too: a shared cache must not give one
            # visitor's choice to another (data URLs carry ?lang= instead).
            patch_vary_headers(response, ["Cookie"])
        return response


class RequireContentLengthMiddleware:
    """A request body must say its length.

    Neither the WSGI servers nor Django read a body sent in chunks without a
    Content-Length: the view would see an empty body and answer as if nothing had been
    sent ("phone is required"), and the data would be lost without a word. Such a
    request gets 411 `length_required` instead; apps, browsers and the chat platforms
    always send the length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get(
            "CONTENT_LENGTH"
        ):
            from django.http import JsonResponse

            from core.api.exceptions import error_body
            from core.error_codes import CoreErrorCode

            return JsonResponse(
                error_body(
                    CoreErrorCode.LENGTH_REQUIRED,
                    "Sertakan Content-Length; data tanpa panjang tidak dapat dibaca.",
                ),
                status=411,
            )
        return self.get_response(request)


class WallTimeMiddleware:
    """Pages (admin, dashboard) show times in the signed-in person's wall time: their
    facility's or home village's zone (WIB, WITA or WIT), WIB for anyone else. The API
    keeps UTC (ISO 8601 with offset; apps convert)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        user = getattr(request, "user", None)
        zone = user.tz if user is not None and user.is_authenticated else WIB_ZONE
        with timezone.override(zone):
            return self.get_response(request)
