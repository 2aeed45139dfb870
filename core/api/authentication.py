"""API token authentication, with the token's user kept in the shared cache.

Tokens are `core.ApiToken` rows holding only the key's SHA-256, with an expiry
(`SIGAP_TOKEN_TTL_DAYS`) and the last use. Every authenticated request looks its
token up with a query that joins the user (about as much CPU as a small view), so the
answer is kept in the cache for `TOKEN_USER_TTL` seconds, keyed by the hash: the key
itself never reaches the cache, nor does the password hash (that column is not
loaded). Anything that changes the answer drops it at once: a token deleted (sign-out, erasure) or a user
saved or deleted (role, active flag, language). Code that changes users with
`QuerySet.update()` must call `token_user_forget`.

The same query answers whether the resident has given health-data consent (asked by
every health-data write), and the answer rides on the cached user
(`core.selectors.consent_remember`): a signed-in self-check or check-in costs one
cache round trip for both, and a cold token one query. A profile saved or deleted
drops the answer with the consent cache. The token's last use is noted at most once
per `LAST_USED_EVERY`, not on every cache miss.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from core.db import columns
from core.models import ApiToken, Facility, Region, ResidentProfile, User
from core.models.tokens import token_digest
from core.selectors import consent_remember
from core.ws_auth import ACCESS_FIELDS, user_sockets_recheck

logger = logging.getLogger(__name__)

TOKEN_USER_TTL = 300
LAST_USED_EVERY = dt.timedelta(hours=1)


def _cache_key(token_key: str) -> str:
    return _digest_cache_key(token_digest(token_key))


def _digest_cache_key(digest: str) -> str:
    return "auth:token:" + digest[:40]


class TokenAuthentication(authentication.TokenAuthentication):
    """Token auth (`Authorization: Token <key>`) against hashed, expiring
    `ApiToken` rows, cached, that also applies the user's remembered language when
    the request does not say which one it wants."""

    def authenticate_credentials(self, key):
        cache_key = _cache_key(key)
        try:
            cached = cache.get(cache_key)
        except Exception as exc:  # the cache is an optimisation: ask the database
            logger.warning("token cache unavailable (%s)", type(exc).__name__)
            return self._from_database(key)
        if cached is not None:
            user, token = cached
            if token.expires_at > timezone.now():
                return user, token
        user, token = self._from_database(key)
        try:
            cache.set(cache_key, (user, token), TOKEN_USER_TTL)
        except Exception as exc:
            logger.warning("token cache unavailable (%s)", type(exc).__name__)
        return user, token

    @staticmethod
    def _from_database(key: str):
        """The token's row and user (without the password hash) and the user's
        consent, in one query; refuses unknown, expired and deactivated tokens. Notes
        the use when the last one noted is older than `LAST_USED_EVERY`."""
        now = timezone.now()
        token = _token_lookup(token_digest(key), now)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            _note_use(token.pk, now)
        consent_remember(token.user, token.consent_given)
        # What the cache keeps of the row: the digest and expiry, never the key.
        slim = ApiToken(
            pk=token.pk,
            user_id=token.user_id,
            digest=token.digest,
            expires_at=token.expires_at,
        )
        return token.user, slim

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user = result[0]
            if "HTTP_ACCEPT_LANGUAGE" not in request.META and user.language:
                translation.activate(user.language)
                request._request.LANGUAGE_CODE = user.language
        return result


def _note_use(token_id: int, now: dt.datetime) -> None:
    """`last_used_at = now`: on the first request of each new token, so plain SQL
    instead of compiling an UPDATE QuerySet."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(ApiToken._meta.db_table)} SET {qn('last_used_at')} = %s "
            f"WHERE {qn(ApiToken._meta.pk.column)} = %s",
            [connection.ops.adapt_datetimefield_value(now), token_id],
        )


_TOKEN_SQL: dict[str, str] = {}


def _token_lookup_sql() -> str:
    qn = connection.ops.quote_name

    def col(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    token_cols = columns(ApiToken, "t")
    user_cols = columns(User, "u", defer=("password",))
    region, facility, profile = Region, Facility, ResidentProfile
    region_tz = f"{qn(region._meta.db_table)} r"
    return (
        f"SELECT {token_cols.sql}, {user_cols.sql}, "
        # `User.tz`: the facility's, else the PSC region's, else the home village's.
        f"COALESCE((SELECT r.{col(region, 'timezone')} FROM {region_tz} "
        f"JOIN {qn(facility._meta.db_table)} f "
        f"ON f.{col(facility, 'district')} = r.{qn(region._meta.pk.column)} "
        f"WHERE f.{qn(facility._meta.pk.column)} = u.{col(User, 'facility')}), "
        f"(SELECT r.{col(region, 'timezone')} FROM {region_tz} "
        f"WHERE r.{qn(region._meta.pk.column)} = u.{col(User, 'psc_region')}), "
        f"(SELECT r.{col(region, 'timezone')} FROM {region_tz} "
        f"JOIN {qn(profile._meta.db_table)} p "
        f"ON p.{col(profile, 'home_village')} = r.{qn(region._meta.pk.column)} "
        f"WHERE p.{col(profile, 'user')} = u.{qn(User._meta.pk.column)})), "
        f"EXISTS (SELECT 1 FROM {qn(profile._meta.db_table)} p "
        f"WHERE p.{col(profile, 'user')} = t.{col(ApiToken, 'user')} "
        f"AND p.{col(profile, 'consent_given_at')} IS NOT NULL) "
        f"FROM {qn(ApiToken._meta.db_table)} t JOIN {qn(User._meta.db_table)} u "
        f"ON u.{qn(User._meta.pk.column)} = t.{col(ApiToken, 'user')} "
        f"WHERE t.{col(ApiToken, 'digest')} = %s "
        f"AND t.{col(ApiToken, 'expires_at')} > %s LIMIT 1"
    )


def _token_lookup(digest: str, now: dt.datetime) -> ApiToken | None:
    """The live token with this digest, its user (password not loaded, time zone
    remembered) and `consent_given`, in one query whose SQL is built once per
    process: compiling the equivalent QuerySet (a join, a deferred column, an EXISTS)
    cost more CPU than the rest of a request that signs in with a token the cache
    has not seen yet."""
    sql = _TOKEN_SQL.get(connection.vendor)
    if sql is None:
        sql = _TOKEN_SQL[connection.vendor] = _token_lookup_sql()
    token_cols = columns(ApiToken, "t")
    user_cols = columns(User, "u", defer=("password",))
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest, connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(token_cols)
    token = token_cols.instance(row[:split])
    token.user = user_cols.instance(row[split : split + len(user_cols)])
    token.user.tz_remember(row[-2])
    token.consent_given = bool(row[-1])
    return token


def token_user_forget(*, user_id: int | None = None, keys=(), digests=()) -> None:
    """Drop cached token answers: those of `keys`/`digests`, and of every token of
    `user_id`."""
    names = [_cache_key(key) for key in keys]
    names += [_digest_cache_key(d) for d in digests]
    if user_id is not None:
        names += [
            _digest_cache_key(d)
            for d in ApiToken.objects.filter(user_id=user_id).values_list(
                "digest", flat=True
            )
        ]
    if names:
        cache.delete_many(names)
        # Again once the change is visible to others: a request that read the old
        # row just before the commit may have cached the old answer.
        transaction.on_commit(lambda: cache.delete_many(names))


@receiver(post_delete, sender=ApiToken, dispatch_uid="sigap_token_deleted")
def _token_deleted(sender, instance: ApiToken, **kwargs) -> None:
    token_user_forget(digests=[instance.digest])
    user_sockets_recheck(instance.user_id)


@receiver(post_save, sender=User, dispatch_uid="sigap_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="sigap_user_deleted")
def _user_changed(sender, instance: User, **kwargs) -> None:
    token_user_forget(user_id=instance.pk)
    fields = kwargs.get("update_fields")
    if fields is None or ACCESS_FIELDS.intersection(fields):
        user_sockets_recheck(instance.pk)


@receiver(post_save, sender=ResidentProfile, dispatch_uid="sigap_token_consent_saved")
@receiver(
    post_delete, sender=ResidentProfile, dispatch_uid="sigap_token_consent_deleted"
)
def _profile_changed(sender, instance: ResidentProfile, **kwargs) -> None:
    """Consent given or withdrawn: the cached answers carry it, so they go too."""
    token_user_forget(user_id=instance.user_id)


@receiver(user_logged_out, dispatch_uid="sigap_user_logged_out")
def _session_signed_out(sender, request, user, **kwargs) -> None:
    """Dashboard and admin sign-out: end the session now (logout() flushes it only
    after this signal), then have the user's sockets check theirs."""
    if user is None:
        return
    session = getattr(request, "session", None)
    if session is not None:
        session.flush()
    user_sockets_recheck(user.pk)
