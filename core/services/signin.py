"""Signing in and out: one-time codes for residents (and staff's second factor),
passwords for staff, tokens ended on sign-out."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.cache import window_count
from core.error_codes import CoreErrorCode
from core.exceptions import ApplicationError, RateLimited
from core.i18n import normalise_language, tr
from core.models import (
    ApiToken,
    OneTimeCode,
    ResidentProfile,
    User,
)
from core.services.accounts import phone_or_error
from core.services.tokens import token_issue

logger = logging.getLogger(__name__)

TEXTS: dict[str, dict[str, str]] = {
    CoreErrorCode.OTP_RATE_LIMITED: {
        "id": "Terlalu banyak permintaan kode untuk nomor ini; coba lagi dalam satu "
        "jam.",
        "en": "Too many code requests for this number; try again in an hour.",
    },
    "failures_per_client": {
        "id": "Terlalu banyak percobaan; coba lagi dalam satu jam.",
        "en": "Too many attempts; try again in an hour.",
    },
    CoreErrorCode.ACCOUNT_DISABLED: {
        "id": "Akun dinonaktifkan.",
        "en": "This account is deactivated.",
    },
    CoreErrorCode.PASSWORD_REQUIRED: {
        "id": "Petugas masuk dengan nomor HP dan kata sandi.",
        "en": "Staff sign in with their phone number and password.",
    },
    CoreErrorCode.INVALID_CODE: {
        "id": "Kode salah atau sudah tidak berlaku; minta kode baru bila perlu.",
        "en": "Wrong or no longer valid code; ask for a new code if needed.",
    },
    "invalid_code_field": {
        "id": "Kode salah atau sudah tidak berlaku.",
        "en": "Wrong or no longer valid code.",
    },
    CoreErrorCode.CODE_USED: {
        "id": "Kode sudah digunakan.",
        "en": "This code has already been used.",
    },
    CoreErrorCode.LOGIN_RATE_LIMITED: {
        "id": "Terlalu banyak percobaan masuk; coba lagi dalam 15 menit.",
        "en": "Too many sign-in attempts; try again in 15 minutes.",
    },
    CoreErrorCode.INVALID_CREDENTIALS: {
        "id": "Nomor HP atau kata sandi salah.",
        "en": "Wrong phone number or password.",
    },
    CoreErrorCode.CODE_REQUIRED: {
        "id": "Masukkan kode yang dikirim ke HP Anda (minta kode sign-in dulu).",
        "en": "Enter the code sent to your phone (ask for a sign-in code first).",
    },
    "required": {"id": "Wajib diisi.", "en": "Required."},
}


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def _hourly_key(kind: str, *parts: str) -> str:
    return f"otp:{kind}:{_digest(':'.join(parts))}:{timezone.now():%Y%m%d%H}"


def _hourly_counter(key: str) -> int:
    """Add one to an hourly counter (Redis INCR when REDIS_URL is set; counted in
    this process while Redis is unreachable)."""
    return window_count(cache, key, timeout=3700)


def _hourly_count(key: str) -> int:
    return cache.get(key) or 0


def _until_next_hour() -> int:
    """Seconds until the hourly counters start again (their key names the hour)."""
    now = timezone.now()
    return 3600 - (now.minute * 60 + now.second)


def otp_request(*, phone: str, client: str = "") -> OneTimeCode:
    """Send a fresh code. Limited per phone *and client* (the caller's address):
    someone else asking for codes to a number never stops its owner from getting
    one."""
    phone = phone_or_error(phone)
    requests = _hourly_counter(_hourly_key("request", phone, client))
    if requests > settings.SIGAP_OTP_MAX_PER_HOUR:
        raise RateLimited(
            tr(TEXTS[CoreErrorCode.OTP_RATE_LIMITED]),
            code=CoreErrorCode.OTP_RATE_LIMITED,
            retry_after=_until_next_hour(),
        )
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        # A new code replaces the previous ones: only the latest can be used.
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True).update(
            expires_at=now
        )
        otp = OneTimeCode.objects.create(
            phone=phone,
            code_hash=_code_hash(phone, code),
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.SIGAP_OTP_TTL_SECONDS),
        )

        def send() -> None:
            from core.notifications.backends import DeliveryError, otp_sender

            text = f"Kode masuk Sigap Anda: {code}. Berlaku 5 menit. Jangan berikan ke siapa pun."
            try:
                otp_sender().send_sms(phone=phone, text=text)
            except DeliveryError:
                logger.warning("sign-in code %s could not be sent", otp.pk)

        transaction.on_commit(send)
    return otp


def otp_verify(
    *,
    phone: str,
    code: str,
    client: str = "",
    device: str = "",
    language: str | None = None,
) -> tuple[User, str, bool]:
    """Check a code; return (user, api token key, created). A new account takes
    `language` (the request's); an existing one keeps its own.

    Failures count against the code (single use, `SIGAP_OTP_MAX_ATTEMPTS` tries) and
    against the client (`SIGAP_OTP_MAX_FAILURES_PER_CLIENT` an hour), never against
    the phone: wrong guesses by someone else cannot lock the owner out, who can
    always ask for a fresh code and use it.
    """
    phone = phone_or_error(phone)
    failures_key = _hourly_key("failures", client)
    if _hourly_count(failures_key) >= settings.SIGAP_OTP_MAX_FAILURES_PER_CLIENT:
        raise RateLimited(
            tr(TEXTS["failures_per_client"]),
            code=CoreErrorCode.OTP_RATE_LIMITED,
            retry_after=_until_next_hour(),
        )
    try:
        return _otp_check(phone=phone, code=code, device=device, language=language)
    except ApplicationError:
        _hourly_counter(failures_key)
        raise


def _otp_check(
    *, phone: str, code: str, device: str, language: str | None = None
) -> tuple[User, str, bool]:
    now = timezone.now()
    _otp_consume(phone=phone, code=code, now=now)
    with transaction.atomic():
        try:
            user, created = User.objects.get_or_create(
                phone=phone,
                defaults={"language": normalise_language(language)} if language else {},
            )
        except IntegrityError:
            user, created = User.objects.get(phone=phone), False
        if not user.is_active:
            raise ApplicationError(
                tr(TEXTS[CoreErrorCode.ACCOUNT_DISABLED]),
                code=CoreErrorCode.ACCOUNT_DISABLED,
                status=403,
            )
        if user.role != User.Role.RESIDENT:
            # Staff reach patients' data: a code by SMS alone is not enough.
            raise ApplicationError(
                tr(TEXTS[CoreErrorCode.PASSWORD_REQUIRED]),
                code=CoreErrorCode.PASSWORD_REQUIRED,
                status=403,
            )
        ResidentProfile.objects.get_or_create(user=user)
        _, key = token_issue(user=user, name=device)
        user.last_login = now
        user.save(update_fields=["last_login"])
    return user, key, created


def _otp_consume(*, phone: str, code: str, now) -> None:
    """Check `code` against the phone's latest live code and use it up.

    A wrong code, no code ever sent, an expired one and one whose attempts are used
    up get one answer (`invalid_code`): telling them apart would tell a stranger
    whether the number asked for a code, i.e. uses a health app. The attempts still
    count per code, and a used-up code is never compared."""
    invalid = ApplicationError(
        tr(TEXTS[CoreErrorCode.INVALID_CODE]),
        code=CoreErrorCode.INVALID_CODE,
        fields={"code": tr(TEXTS["invalid_code_field"])},
    )
    now = timezone.now()
    otp = (
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if otp is None or otp.expires_at <= now:
        raise invalid
    # Count the attempt with a conditional UPDATE so parallel guesses cannot exceed it.
    counted = OneTimeCode.objects.filter(
        pk=otp.pk, attempts__lt=settings.SIGAP_OTP_MAX_ATTEMPTS, used_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise invalid
    if not hmac.compare_digest(otp.code_hash, _code_hash(phone, str(code))):
        raise invalid
    # Single use: only one request can flip used_at.
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(
        used_at=now
    ):
        raise ApplicationError(
            tr(TEXTS[CoreErrorCode.CODE_USED]),
            code=CoreErrorCode.CODE_USED,
            fields={"code": tr(TEXTS[CoreErrorCode.CODE_USED])},
        )


def staff_sign_in(
    *, request, phone: str, password: str, code: str = "", device: str = ""
) -> tuple[User, str]:
    """Staff (health workers, health offices, curators) sign in to the API with
    their password, plus a one-time code when `SIGAP_STAFF_SECOND_FACTOR` is on.
    Failures are limited per account and per client (core.auth_backends)."""
    from django.contrib.auth import authenticate

    from core.auth_backends import WINDOW_SECONDS, login_blocked

    phone = phone_or_error(phone)
    if login_blocked(username=phone, request=request):
        raise RateLimited(
            tr(TEXTS[CoreErrorCode.LOGIN_RATE_LIMITED]),
            code=CoreErrorCode.LOGIN_RATE_LIMITED,
            retry_after=WINDOW_SECONDS,
        )
    user = authenticate(request, username=phone, password=password)
    if user is None or user.role == User.Role.RESIDENT:
        message = tr(TEXTS[CoreErrorCode.INVALID_CREDENTIALS])
        raise ApplicationError(
            message,
            code=CoreErrorCode.INVALID_CREDENTIALS,
            fields={"password": message},
        )
    if settings.SIGAP_STAFF_SECOND_FACTOR:
        if not code:
            raise ApplicationError(
                tr(TEXTS[CoreErrorCode.CODE_REQUIRED]),
                code=CoreErrorCode.CODE_REQUIRED,
                fields={"code": tr(TEXTS["required"])},
            )
        _otp_consume(phone=phone, code=code, now=timezone.now())
    _, key = token_issue(user=user, name=device)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return user, key


def sign_out(*, user: User, token=None) -> None:
    """End this sign-in (the token the request came with), or all of the user's."""
    tokens = ApiToken.objects.filter(user=user)
    if token is not None and getattr(token, "pk", None):
        tokens = tokens.filter(pk=token.pk)
    tokens.delete()
