"""The cache of public area responses: one data version keys them all (bumped after
new figures, zones or boundaries), kept in the shared cache and, per process, in a
bounded local dict. Responses carry a strong ETag and public Cache-Control."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from core.i18n import request_language

CACHE_VERSION_KEY = "areas:data-version"

_version_memo: tuple[int, float] | None = None
VERSION_MEMO_SECONDS = 1.0


def areas_cache_version() -> int:
    """The data version that keys every cached area response. Read from the shared
    cache at most once a second per process (responses may lag a second behind)."""
    global _version_memo
    now = time.monotonic()
    if _version_memo is not None and _version_memo[1] > now:
        return _version_memo[0]
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        # A random start, so versions never repeat after the cache was cleared.
        cache.add(CACHE_VERSION_KEY, secrets.randbelow(10**12), timeout=None)
        version = cache.get(CACHE_VERSION_KEY) or 0
    _version_memo = (int(version), now + VERSION_MEMO_SECONDS)
    return int(version)


def areas_cache_bump() -> None:
    """Every cached area response (lookup, figures, geojson…) is keyed by this version;
    bumping it makes them all fresh after new figures, zones or boundaries."""
    global _version_memo
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, secrets.randbelow(10**12), timeout=None)
    _version_memo = None


def areas_local_reset() -> None:
    """Forget what this process remembers of the shared cache (tests, cache clears)."""
    global _version_memo
    _version_memo = None
    _local.clear()


# Responses are keyed by the data version, so this process may keep them until the
# version moves on; bounded so a crawl over many codes cannot grow it forever.
_local: dict[str, tuple[float, object]] = {}
LOCAL_MAX = 20_000


def _local_get(key: str):
    entry = _local.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _local_set(key: str, value, ttl: float) -> None:
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[key] = (time.monotonic() + ttl, value)


def _json_bytes(data) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
    ).encode()


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cached_json(
    request, key: str, build: Callable[[], object], *, max_age: int | None = None
):
    """A JSON response built once per data version and language, with a strong ETag
    (304 when the client has it) and public Cache-Control."""
    max_age = settings.SIGAP_AREAS_CACHE_SECONDS if max_age is None else max_age
    lang = request_language(request)
    full_key = f"areas:resp:{areas_cache_version()}:{lang}:{key}"
    entry = _local_get(full_key) or cache.get(full_key)
    if entry is None:
        body = _json_bytes(build())
        entry = (body, _etag(body))
        cache.set(full_key, entry, timeout=max_age)
    _local_set(full_key, entry, max_age)
    return respond_json(request, *entry, max_age=max_age)


def cached_payload(lang: str, key: str, build: Callable[[], dict]) -> dict:
    """The data of a response (not yet its bytes) once per data version and language,
    for responses that add per-request fields to it."""
    max_age = settings.SIGAP_AREAS_CACHE_SECONDS
    payload_key = f"areas:payload:{areas_cache_version()}:{lang}:{key}"
    payload = _local_get(payload_key) or cache.get(payload_key)
    if payload is None:
        payload = build()
        cache.set(payload_key, payload, timeout=max_age)
    _local_set(payload_key, payload, max_age)
    return payload


def json_response(request, data, *, max_age: int):
    """`data` as a JSON response with a strong ETag and public Cache-Control."""
    body = _json_bytes(data)
    return respond_json(request, body, _etag(body), max_age=max_age)


def respond_json(request, body: bytes, etag: str, *, max_age: int):
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    patch_vary_headers(response, ["Accept-Language"])
    return response
