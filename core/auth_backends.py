"""Password sign-in (dashboard, admin, API) with failures limited per account and
per client, so a password cannot be guessed by trying many, from one address or
from many.

Nobody can lock a staff member out of the addresses they work from: failures for an
account from all addresses together stop sign-ins only from addresses where that
account has not signed in before (`KNOWN_SECONDS`); an address that failed for the
account too often itself is stopped for it whatever it knew."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from core.rules import InvalidPhone, normalise_phone

WINDOW_SECONDS = 900
# An address where an account signed in is known to it for this long.
KNOWN_SECONDS = 30 * 24 * 3600


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


def _counters(username: str | None, request) -> dict[str, str]:
    account, client = _account(username), _client(request)
    return {
        "account": _key("account", account),
        "client": _key("client", client),
        "pair": _key("pair", f"{account}|{client}"),
    }


def _known_key(username: str | None, request) -> str:
    return _key("known", f"{_account(username)}|{_client(request)}")


def login_blocked(*, username: str | None, request) -> bool:
    keys = _counters(username, request)
    counts = cache.get_many(list(keys.values()))
    account, client, pair = (counts.get(keys[k]) or 0 for k in keys)
    per_account = settings.SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT
    return (
        client >= settings.SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT
        or pair >= per_account
        or (account >= per_account and not cache.get(_known_key(username, request)))
    )


def login_failed(*, username: str | None, request) -> None:
    for key in _counters(username, request).values():
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=WINDOW_SECONDS)


def login_succeeded(*, username: str | None, request) -> None:
    cache.set(_known_key(username, request), 1, timeout=KNOWN_SECONDS)


class ThrottledModelBackend(ModelBackend):
    """Django's password check, refused outright (even with the right password)
    within 15 minutes of `SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT` failures from the
    address, or `SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT` for the account from the
    address, or as many for the account from anywhere when the address is not one
    the account signed in from before."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if login_blocked(username=username, request=request):
            raise PermissionDenied("too many sign-in failures")
        user = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        if user is None and password is not None:
            login_failed(username=username, request=request)
        elif user is not None:
            login_succeeded(username=username, request=request)
        return user
