"""Password sign-in (dashboard, admin, API) with failures limited per account and
per client, so a password cannot be guessed by trying many, from one address or
from many."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from core.rules import InvalidPhone, normalise_phone

WINDOW_SECONDS = 900


def _key(kind: str, value: str) -> str:
    return f"login:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:24]}"


def _client(request) -> str:
    if request is None:
        return ""
    from core.api.throttling import client_ident

    return client_ident(request)


def _account(username: str | None) -> str:
    try:
        return normalise_phone(username or "")
    except InvalidPhone:
        return (username or "").strip()


def login_blocked(*, username: str | None, request) -> bool:
    account = cache.get(_key("account", _account(username))) or 0
    client = cache.get(_key("client", _client(request))) or 0
    return (
        account >= settings.SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT
        or client >= settings.SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT
    )


def login_failed(*, username: str | None, request) -> None:
    for key in (
        _key("account", _account(username)),
        _key("client", _client(request)),
    ):
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=WINDOW_SECONDS)


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused outright (even with the right password)
    after `SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT` failures for the account or
    `SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT` from the address within 15 minutes."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if login_blocked(username=username, request=request):
            raise PermissionDenied("too many sign-in failures")
        user = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        if user is None and password is not None:
            login_failed(username=username, request=request)
        return user
