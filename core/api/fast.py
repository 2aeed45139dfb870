"""A fast path for the API's hottest writes, beside DRF's own.

A resident's app sends the same plain request thousands of times a second at peak (a
check-in, a self-check): a token or no credentials at all, a JSON body, no unusual
headers. DRF spends about a third of such a
request's CPU on its own plumbing (request wrapper, content negotiation, parser,
serializer instance, response rendering), more than the write itself. `fast_post`
answers exactly that plain case with the same parts DRF would use (the view's token
authentication, permission and throttle classes, its input serializer's own bound
fields, its JSON renderer) and the view's one `submit` for the work. A request with
no Authorization header and no session cookie is anonymous, as DRF's token and
session authentication would find it, and the view's permissions decide. Anything
else returns None and the view's ordinary DRF path answers instead: another method
or content type, an Accept header asking for more than plain JSON, another kind of
credentials, a session, a refused token, role or rate, any field error, any error of
the work itself. So every error response, header and message stays DRF's, written in
one place.

A request the fast path gave up on after counting it against a rate limit (refused
by the limit itself, or failing in the work) is counted again by the DRF path; a
client over its limit is refused either way, and the errors are rare, so this is
accepted rather than carrying a second error path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from rest_framework.exceptions import APIException
from rest_framework.fields import SkipField
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant

from core import jsonparse
from core.api.authentication import TokenAuthentication
from core.api.exceptions import database_unavailable
from core.exceptions import ApplicationError

_JSON_TYPES = frozenset({"application/json", "application/json;charset=utf-8"})
_ACCEPTS_JSON = frozenset({"*/*", "application/*", "application/json"})
_renderer = JSONRenderer()


def _plain_json_call(request: HttpRequest, *, only_json: bool = True) -> bool:
    """A JSON body in UTF-8, answered in plain JSON as DRF's negotiation answers it:
    no indent asked for, nothing refused with q=0. With JSON the view's only
    renderer (`only_json`), any Accept that takes JSON gets it; beside another
    renderer (the browsable API when DEBUG is on) every type it lists must take JSON,
    or DRF might choose the other one."""
    content_type = request.META.get("CONTENT_TYPE", "").lower().replace(" ", "")
    if content_type not in _JSON_TYPES:
        return False
    accept = request.META.get("HTTP_ACCEPT", "")
    if not accept:
        return True
    kinds = []
    for item in accept.split(","):
        kind, *params = (part.strip() for part in item.split(";"))
        if any(not p.startswith("q=") or p in ("q=0", "q=0.0") for p in params):
            return False
        kinds.append(kind.lower())
    takes_json = [kind in _ACCEPTS_JSON for kind in kinds]
    return any(takes_json) if only_json else all(takes_json)


def _credentials(request: HttpRequest) -> str | None:
    """The key of `Authorization: Token <key>` as DRF's token authentication reads
    it (keyword in any case, exactly two parts); "" for a caller with no credentials
    at all (no Authorization header, no session cookie), whom DRF's authentication
    leaves anonymous; None for anything else."""
    if "HTTP_AUTHORIZATION" not in request.META:
        return "" if settings.SESSION_COOKIE_NAME not in request.COOKIES else None
    parts = request.META["HTTP_AUTHORIZATION"].split()
    if len(parts) != 2 or parts[0].lower() != TokenAuthentication.keyword.lower():
        return None
    key = parts[1]
    return key if key.isascii() and key.isprintable() else None


def _bound_fields(serializer_class: type[Serializer]) -> dict:
    """The serializer's writable fields, bound once per class to a prototype
    instance (no data, no context, not partial), as `Serializer.fields` binds them
    for every instance."""
    fields = serializer_class.__dict__.get("_fast_fields")
    if fields is None:
        prototype = serializer_class()
        fields = {name: f for name, f in prototype.fields.items() if not f.read_only}
        serializer_class._fast_fields = fields
    return fields


def validated_fields(serializer_class: type[Serializer], data: Any) -> dict | None:
    """`serializer_class(data=data).validated_data` for a flat serializer of plain
    fields (no `validate*` methods, no nested serializers, each field's value under
    its own name), or None when the serializer would report any error."""
    if not isinstance(data, dict):
        return None
    fields = _bound_fields(serializer_class)
    if not data.keys() <= fields.keys():
        return None
    out = {}
    for name, field in fields.items():
        try:
            if name in data:
                out[name] = field.run_validation(data[name])
            elif field.required:
                return None
            else:
                out[name] = field.get_default()
        except SkipField:
            continue
        except (APIException, DjangoValidationError, ValueError, TypeError):
            return None
    return out


def fast_post(
    request: HttpRequest,
    view_class: type,
    submit: Callable[[Any, dict], tuple[dict, int]],
) -> HttpResponse | None:
    """The response of `view_class`'s POST for a plain JSON request (a token or no
    credentials), or None when the view's DRF path must answer (see the module's
    docstring). `submit(request, validated_data)` does the work and returns (body,
    status); `request.user` and `request.LANGUAGE_CODE` are set as DRF's request
    would have them. It must write nothing when it raises (one statement or one
    transaction), since the DRF path then does it again to answer with the error."""
    only_json = list(view_class.renderer_classes) == [JSONRenderer]
    if request.method != "POST" or not _plain_json_call(request, only_json=only_json):
        return None
    key = _credentials(request)
    if key is None:
        return None
    try:
        data = jsonparse.loads(request.body.decode(), parse_constant=strict_constant)
    except Exception:  # too large, not UTF-8, not JSON: DRF says which
        return None
    values = validated_fields(view_class.InputSerializer, data)
    if values is None:
        return None
    view = view_class()
    view.setup(request)  # as as_view() does: request, args, HEAD for GET (Allow)
    try:
        response = _answer(request, view, key, values, submit)
    except (OperationalError, InterfaceError) as exc:
        # The database is away: DRF's answer (503, Retry-After) without asking it
        # a second time.
        response = database_unavailable(request, exc)
    if response is not None:
        for header, value in view.default_response_headers.items():  # Allow, Vary
            response[header] = value
    return response


def _answer(request, view, key: str, values: dict, submit) -> HttpResponse | None:
    if key:
        try:
            user, _token = TokenAuthentication().authenticate_credentials(key)
        except APIException:
            return None
    else:
        # DRF's session authentication reads the (empty) session, which marks the
        # answer `Vary: Cookie`; read it too, so the headers are the same.
        request.session.get(SESSION_KEY)
        user = api_settings.UNAUTHENTICATED_USER()
    request.user = user  # as DRF sets it on the request it wraps
    if not all(p.has_permission(request, view) for p in view.get_permissions()):
        return None
    if key and "HTTP_ACCEPT_LANGUAGE" not in request.META and user.language:
        # As the token authentication does on the DRF path.
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
    if not all(t.allow_request(request, view) for t in view.get_throttles()):
        return None
    try:
        body, status = submit(request, values)
    except (APIException, ApplicationError, DjangoValidationError):
        return None  # nothing was written: the DRF path answers with the error
    return HttpResponse(
        _renderer.render(body), status=status, content_type=_renderer.media_type
    )


class FastPostMixin:
    """For an APIView whose POST is one `submit(request, validated_data)` classmethod
    returning (body, status) from its `InputSerializer`'s data: the plain request is
    answered by `fast_post`, anything else by DRF through `post_validated`, which
    the view's `post` returns (the view keeps `post` for its schema)."""

    def dispatch(self, request, *args, **kwargs):
        response = fast_post(request, type(self), self.submit)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)

    def post_validated(self, request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body, status = self.submit(request, data.validated_data)
        return Response(body, status=status)
