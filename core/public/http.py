"""Small helpers shared by the public pages' JSON and download endpoints."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_vary_headers

from core.api.exceptions import error_body
from core.exceptions import ApplicationError
from core.i18n import tr
from core.public.error_codes import PublicErrorCode
from core.rules import date_range_error


def json_errors(view):
    """ApplicationError -> the one error format, with its status."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            return JsonResponse(
                error_body(exc.code, exc.message, exc.fields), status=exc.status
            )

    return wrapped


def parse_date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApplicationError(
            tr(
                {
                    "id": "Tanggal '{field}' tidak valid.",
                    "en": "Invalid date '{field}'.",
                },
                field=field,
            ),
            code=PublicErrorCode.INVALID_DATE,
            fields={
                field: tr(
                    {
                        "id": "Tanggal harus berbentuk YYYY-MM-DD.",
                        "en": "The date must be YYYY-MM-DD.",
                    }
                )
            },
        ) from exc
    message = date_range_error(date)
    if message:
        raise ApplicationError(
            tr({"id": "Tanggal di luar rentang.", "en": "Date out of range."}),
            code=PublicErrorCode.DATE_OUT_OF_RANGE,
            fields={field: message},
        )
    return date


def parse_level(value: str | None, *, allowed=(1, 2, 3, 4)) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) not in allowed:
        raise ApplicationError(
            tr({"id": "Tingkat wilayah tidak dikenal.", "en": "Unknown area level."}),
            code=PublicErrorCode.INVALID_LEVEL,
            fields={
                "level": tr(
                    {"id": "Salah satu dari {levels}.", "en": "One of {levels}."},
                    levels=", ".join(map(str, allowed)),
                )
            },
        )
    return int(value)


def dumps(data) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def conditional(
    request,
    body: bytes,
    etag: str,
    *,
    max_age: int,
    content_type: str = "application/json",
    gzipped: bool = False,
):
    """304 when the client has this ETag; gzipped bodies go out as they are to
    clients that accept gzip (and are unpacked for the rare one that does not)."""
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    elif gzipped and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(body, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    elif gzipped:
        import gzip

        response = HttpResponse(gzip.decompress(body), content_type=content_type)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    patch_vary_headers(response, ["Accept-Language", "Accept-Encoding"])
    return response
