"""One error format for every 4xx/5xx: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils import translation
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.error_codes import CoreErrorCode
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before retrying when the database is away.
DATABASE_RETRY_AFTER_S = 5

_DRF_CODES = {
    drf.ParseError: (
        CoreErrorCode.MALFORMED_REQUEST,
        "Permintaan tidak dapat dibaca (JSON tidak valid).",
    ),
    drf.NotAuthenticated: (
        CoreErrorCode.NOT_AUTHENTICATED,
        "Silakan masuk terlebih dahulu.",
    ),
    drf.AuthenticationFailed: (
        CoreErrorCode.AUTHENTICATION_FAILED,
        "Token tidak valid atau kedaluwarsa.",
    ),
    drf.PermissionDenied: (
        CoreErrorCode.PERMISSION_DENIED,
        "Anda tidak memiliki akses.",
    ),
    drf.NotFound: (CoreErrorCode.NOT_FOUND, "Data tidak ditemukan."),
    drf.MethodNotAllowed: (CoreErrorCode.METHOD_NOT_ALLOWED, "Metode tidak diizinkan."),
    drf.NotAcceptable: (CoreErrorCode.NOT_ACCEPTABLE, "Format respons tidak didukung."),
    drf.UnsupportedMediaType: (
        CoreErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Kirim data sebagai application/json.",
    ),
    drf.Throttled: (
        CoreErrorCode.RATE_LIMITED,
        "Terlalu banyak permintaan; coba lagi nanti.",
    ),
}


# The general messages in English, for clients that ask for it (Accept-Language:
# en; see core.middleware.LanguageMiddleware). A service's own message stays as
# written: its code tells a client what happened in any language.
_ENGLISH = {
    "Permintaan tidak dapat dibaca (JSON tidak valid).": (
        "The request could not be read (invalid JSON)."
    ),
    "Silakan masuk terlebih dahulu.": "Please sign in first.",
    "Token tidak valid atau kedaluwarsa.": "Invalid or expired token.",
    "Anda tidak memiliki akses.": "You do not have access.",
    "Data tidak ditemukan.": "Not found.",
    "Metode tidak diizinkan.": "Method not allowed.",
    "Format respons tidak didukung.": "Response format not supported.",
    "Kirim data sebagai application/json.": "Send the data as application/json.",
    "Terlalu banyak permintaan; coba lagi nanti.": "Too many requests; try again later.",
    "Data yang dikirim terlalu besar.": "The data sent is too large.",
    "Data terlalu besar.": "The data sent is too large.",
    "Sertakan Content-Length; data tanpa panjang tidak dapat dibaca.": (
        "Send a Content-Length; a body without its length cannot be read."
    ),
    "Data tidak valid.": "Invalid data.",
    "Data tidak valid; periksa isian yang ditandai.": (
        "Invalid data; check the fields marked."
    ),
    "Terjadi kesalahan pada server; coba lagi nanti.": (
        "Something went wrong on the server; try again later."
    ),
    "Layanan sedang tidak tersedia; coba lagi sebentar lagi.": (
        "The service is unavailable; try again shortly."
    ),
    "Alamat tidak ditemukan.": "Address not found.",
    "Permintaan tidak valid.": "Invalid request.",
    "Ketik minimal 2 huruf.": "Type at least 2 letters.",
    "Batch kosong.": "The batch is empty.",
    "Berkas bukan teks UTF-8.": "The file is not UTF-8 text.",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    if translation.get_language() == "en":
        message = _ENGLISH.get(message, message)
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail) -> dict:
    """DRF's nested error detail -> {"field": "message"} (dotted paths for nesting)."""
    out: dict[str, str] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list):
            if value and all(not isinstance(v, dict | list) for v in value):
                out[prefix or "non_field_errors"] = " ".join(str(v) for v in value)
            else:
                for i, sub in enumerate(value):
                    walk(f"{prefix}.{i}" if prefix else str(i), sub)
        else:
            out[prefix or "non_field_errors"] = str(value)

    walk("", detail)
    return out


def _leaf_codes(detail) -> list[str]:
    """The code of every message in DRF's error detail, in field order."""
    if isinstance(detail, dict):
        return [code for value in detail.values() for code in _leaf_codes(value)]
    if isinstance(detail, list):
        return [code for value in detail for code in _leaf_codes(value)]
    return [getattr(detail, "code", None) or CoreErrorCode.INVALID]


#: DRF's codes that only say "not acceptable as sent"; the error code says `invalid`.
_GENERIC_CODES = {"invalid", "required", "null", "blank"}


def validation_code(detail) -> str:
    """The one `code` of a 400 with field errors, whatever the number of fields:
    the fields' code when they all share one (`unknown_field` for one unknown field
    or three), otherwise the first specific code in the serializer's field order
    (a `date_out_of_range` stays one beside a missing field), `invalid` when none
    is specific. DRF's generic codes (invalid, required, null, blank) count as
    `invalid`."""
    codes = [
        CoreErrorCode.INVALID if code in _GENERIC_CODES else code
        for code in _leaf_codes(detail)
    ]
    if len(set(codes)) == 1:
        return codes[0]
    return next((c for c in codes if c != CoreErrorCode.INVALID), CoreErrorCode.INVALID)


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        response = Response(
            error_body(exc.code, exc.message, exc.fields), status=exc.status
        )
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(
                CoreErrorCode.PAYLOAD_TOO_LARGE, "Data yang dikirim terlalu besar."
            ),
            status=413,
        )
    if isinstance(exc, DjangoValidationError):
        fields = (
            {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {}
        )
        message = " ".join(exc.messages) if not fields else "Data tidak valid."
        return Response(error_body(CoreErrorCode.INVALID, message, fields), status=400)
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away (a restart, a failover, a cut connection) or
        # refused in time: nothing half-written stays (each write is one statement
        # or one transaction), and the client's retry, with its client id, is
        # safe.
        return _unavailable(
            context.get("view").__class__.__name__,
            exc,
            Response(_unavailable_body(), status=503),
        )
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception(
            "unhandled error in %s", context.get("view").__class__.__name__
        )
        return Response(
            error_body(
                CoreErrorCode.SERVER_ERROR,
                "Terjadi kesalahan pada server; coba lagi nanti.",
            ),
            status=500,
        )
    if isinstance(exc, drf.ValidationError):
        fields = _flatten(exc.detail)
        code = validation_code(exc.detail)
        message = (
            fields.pop("non_field_errors", None)
            if list(fields) == ["non_field_errors"]
            else None
        )
        body = error_body(
            code, message or "Data tidak valid; periksa isian yang ditandai.", fields
        )
    else:
        code, message = next(
            ((c, m) for cls, (c, m) in _DRF_CODES.items() if isinstance(exc, cls)),
            (getattr(exc, "default_code", "error"), str(exc.detail)),
        )
        body = error_body(code, message)
        if isinstance(exc, drf.Throttled) and exc.wait:
            unit = "seconds" if translation.get_language() == "en" else "detik"
            body["error"]["message"] += f" ({int(exc.wait)} {unit})"
    response.data = body
    return response


def _wants_page(request) -> bool:
    """Pages (dashboard, admin) get an HTML error page; the API and machines get JSON."""
    if request.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("Accept", "")


def _page(request, status: int, title: str, message: str, message_en: str):
    from django.shortcuts import render

    return render(
        request,
        "sigap/error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "message_en": message_en,
        },
        status=status,
    )


def json_404(request, exception=None):
    if _wants_page(request):
        return _page(
            request,
            404,
            "Halaman tidak ditemukan",
            "Alamat ini tidak ada. Periksa tautannya atau kembali ke dasbor.",
            "This page does not exist.",
        )
    return JsonResponse(
        error_body(CoreErrorCode.NOT_FOUND, "Alamat tidak ditemukan."), status=404
    )


def json_500(request):
    # Django calls this while handling the exception, in a view or a middleware.
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        return database_unavailable(request, exc)
    if _wants_page(request):
        return _page(
            request,
            500,
            "Terjadi kesalahan",
            "Terjadi kesalahan pada server; coba lagi sebentar lagi.",
            "Something went wrong on the server; please try again shortly.",
        )
    return JsonResponse(
        error_body(
            CoreErrorCode.SERVER_ERROR,
            "Terjadi kesalahan pada server; coba lagi nanti.",
        ),
        status=500,
    )


def _unavailable_body() -> dict:
    return error_body(
        CoreErrorCode.SERVICE_UNAVAILABLE,
        "Layanan sedang tidak tersedia; coba lagi sebentar lagi.",
    )


def _unavailable(where: str, exc: Exception, response):
    """`response` (503) with Retry-After. Only the error's type is logged: its text
    may quote values."""
    logger.warning("database unavailable in %s (%s)", where, type(exc).__name__)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_S)
    return response


def database_unavailable(request, exc: Exception):
    """When the database does not answer outside DRF's views (pages, webhooks, a
    middleware reading the session): the answer DRF's views give, a page for
    browsers. Nothing half-written stays, and reloading is the right thing to do."""
    match = getattr(request, "resolver_match", None)
    if _wants_page(request):
        response = _page(
            request,
            503,
            "Layanan sedang tidak tersedia",
            "Basis data sedang tidak menjawab; muat ulang halaman ini sebentar lagi.",
            "The database is not answering; reload this page in a moment.",
        )
    else:
        response = JsonResponse(_unavailable_body(), status=503)
    return _unavailable(match.view_name if match else "a page", exc, response)


def json_400(request, exception=None):
    # Django calls this for a request refused before LanguageMiddleware ran (a Host
    # not allowed): the language is read from the request here.
    lang = getattr(request, "LANGUAGE_CODE", None) or (
        translation.get_language_from_request(request)
    )
    with translation.override(lang if lang in ("id", "en") else "id"):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(
                error_body(CoreErrorCode.PAYLOAD_TOO_LARGE, "Data terlalu besar."),
                status=413,
            )
        return JsonResponse(
            error_body("bad_request", "Permintaan tidak valid."), status=400
        )


def json_403(request, exception=None):
    if _wants_page(request):
        return _page(
            request,
            403,
            "Akses ditolak",
            "Anda tidak memiliki akses ke halaman ini.",
            "You do not have access to this page.",
        )
    return JsonResponse(
        error_body(CoreErrorCode.PERMISSION_DENIED, "Anda tidak memiliki akses."),
        status=403,
    )
