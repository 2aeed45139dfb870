"""Websocket auth for the app: `?token=<api token>` (browsers use the session).

A socket outlives the request that opened it, so a consumer must not trust the user it
saw at connect for ever. Every authenticated socket joins its user's group
(`user_group`); signing out, deactivation, a new role, facility, PSC region or
password notify that group after commit (`user_sockets_recheck`), and each consumer
then asks the database again whether the token or session that opened it is still
good (`UserSocketMixin`), closing with 4401 when it is not. Consumers also re-check
before forwarding events.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

logger = logging.getLogger(__name__)

# Fields whose change may take a socket's right away (User.save(update_fields=...)
# touching none of them, such as last_login, notifies nobody).
ACCESS_FIELDS = frozenset(
    {
        "is_active",
        "role",
        "facility",
        "facility_id",
        "psc_region",
        "psc_region_id",
        "password",
        "is_staff",
    }
)
CLOSE_UNAUTHENTICATED = 4401


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def user_sockets_recheck(user_id: int) -> None:
    """After commit, tell the user's open sockets to check their credentials again."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(
                user_group(user_id), {"type": "auth.recheck"}
            )
        except Exception as exc:  # the sockets still re-check on their next event
            logger.warning("socket recheck not sent (%s)", type(exc).__name__)

    transaction.on_commit(send)


@database_sync_to_async
def _user_for_token(key: str):
    """The API's token check (cached, refuses inactive users)."""
    from rest_framework.exceptions import AuthenticationFailed

    from core.api.authentication import TokenAuthentication

    try:
        return TokenAuthentication().authenticate_credentials(key)[0]
    except AuthenticationFailed:
        return AnonymousUser()


def socket_user_current(scope, user_id: int):
    """The socket's user as the database has it now, or None when the token or
    session that opened the socket is gone (signed out, expired) or the user was
    deactivated. Synchronous: call it through database_sync_to_async. Runs before
    every batch of events a consumer forwards, so each path is one prepared query
    (plus the session's own read) rather than compiled QuerySets."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import constant_time_compare

    token = scope.get("auth_token")
    if token:
        from rest_framework.exceptions import AuthenticationFailed

        from core.api.authentication import TokenAuthentication

        try:
            # The token's row with its user, read from the database (not the cache):
            # refuses unknown, expired and deactivated ones.
            owner = TokenAuthentication._from_database(token)[0]
        except AuthenticationFailed:
            return None
        return owner if owner.pk == user_id else None
    session = scope.get("session")
    session_key = getattr(session, "session_key", None)
    if not session_key:
        return None
    from importlib import import_module

    from django.conf import settings

    from core.db import select_first
    from core.models import User

    qn = connection.ops.quote_name
    user = select_first(
        User,
        f"{qn(User._meta.pk.column)} = %s AND {qn('is_active')} = %s",
        [user_id, True],
    )
    if user is None:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return None
    if not constant_time_compare(
        data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    ):
        return None
    return user


class UserSocketMixin:
    """For consumers of signed-in users: joins the user's group and closes the socket
    (4401) when a re-check finds the user may no longer hold it.

    Subclasses call `await self.user_socket_join(user)` once accepted, and may override
    `still_allowed(user)` (e.g. the dashboard: still a health worker of the facility).
    """

    socket_user_id: int | None = None

    def still_allowed(self, user) -> bool:
        return True

    async def user_socket_join(self, user) -> None:
        self.socket_user_id = user.pk
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)

    async def user_socket_leave(self) -> None:
        if self.socket_user_id is not None:
            await self.channel_layer.group_discard(
                user_group(self.socket_user_id), self.channel_name
            )

    async def user_socket_valid(self) -> bool:
        """Ask again; close the socket (4401) and say False when it lost its right."""
        if self.socket_user_id is None:
            return False
        user = await database_sync_to_async(socket_user_current)(
            self.scope, self.socket_user_id
        )
        if user is None or not self.still_allowed(user):
            await self.user_socket_leave()
            self.socket_user_id = None
            await self.disconnect(CLOSE_UNAUTHENTICATED)  # leaves the other groups
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return False
        return True

    async def refuse(self, code: int) -> None:
        """Accept, then close with `code`: a close before accepting becomes an HTTP
        403 during the handshake, and the client never sees the documented code."""
        await self.accept()
        await self.close(code=code)

    async def auth_recheck(self, message) -> None:
        await self.user_socket_valid()


class TokenAuthMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        query = parse_qs(scope.get("query_string", b"").decode())
        key = (query.get("token") or [None])[0]
        if key:
            scope = dict(scope, user=await _user_for_token(key), auth_token=key)
        return await self.inner(scope, receive, send)


class OriginValidator:
    """Browsers always send Origin, and a foreign one is refused (cross-site
    websocket hijacking). Native apps send none: a missing Origin is allowed, since
    they authenticate with a token that no other site can make them send."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        origin = dict(scope.get("headers") or []).get(b"origin")
        if origin is None:
            return await self.application(scope, receive, send)
        return await self._checked(scope, receive, send)

    @property
    def _checked(self):
        from channels.security.websocket import AllowedHostsOriginValidator

        checked = getattr(self, "_checked_app", None)
        if checked is None:
            checked = self._checked_app = AllowedHostsOriginValidator(self.application)
        return checked
