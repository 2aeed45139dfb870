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
from core.exceptions import ApplicationError, PermissionDenied, RateLimited
from core.models import (
    ApiToken,
    DeviceToken,
    OneTimeCode,
    Region,
    ResidentProfile,
    User,
)
from core.rules import InvalidPhone, check_nik, normalise_phone
from core.selectors import consent_remember
from core.services.tokens import token_issue

logger = logging.getLogger(__name__)

CONSENT_VERSION = "2026-1"
CONSENT_PURPOSE = {
    "id": "Data kesehatan Anda (hasil cek mandiri, laporan isolasi, konsultasi) diproses oleh "
    "Dinas Kesehatan dan puskesmas Anda hanya untuk pemantauan dan layanan kesehatan Anda, "
    "sesuai UU No. 27/2022 tentang Pelindungan Data Pribadi.",
    "en": "Your health data (self-checks, isolation reports, consultations) is processed by "
    "the health office and your puskesmas only to monitor and care for you, under Law "
    "27/2022 on Personal Data Protection.",
}


CONSENT_REQUIRED = {
    "id": "Berikan persetujuan pemrosesan data kesehatan dulu (POST /api/v1/me/consent). "
    "Cek mandiri tetap bisa dilakukan tanpa masuk.",
    "en": "Give consent to health-data processing first (POST /api/v1/me/consent). "
    "The self-check also works without signing in.",
}


def consent_require(user: User, *, language: str | None = None) -> None:
    """The one consent rule for every write of a resident's health data (self-check,
    check-in, isolation request, booking): 403 `consent_required` without it."""
    from core.i18n import pick
    from core.selectors import user_has_consent

    if not user_has_consent(user):
        raise PermissionDenied(
            pick(CONSENT_REQUIRED, language or getattr(user, "language", None)),
            code=CoreErrorCode.CONSENT_REQUIRED,
        )


def phone_or_error(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise ApplicationError(
            str(exc), code=CoreErrorCode.INVALID_PHONE, fields={"phone": str(exc)}
        ) from exc


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


def otp_request(*, phone: str, client: str = "") -> OneTimeCode:
    """Send a fresh code. Limited per phone *and client* (the caller's address):
    someone else asking for codes to a number never stops its owner from getting
    one."""
    phone = phone_or_error(phone)
    requests = _hourly_counter(_hourly_key("request", phone, client))
    if requests > settings.SIGAP_OTP_MAX_PER_HOUR:
        raise RateLimited(
            "Terlalu banyak permintaan kode untuk nomor ini; coba lagi dalam satu jam.",
            code=CoreErrorCode.OTP_RATE_LIMITED,
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
    *, phone: str, code: str, client: str = "", device: str = ""
) -> tuple[User, str, bool]:
    """Check a code; return (user, api token key, created).

    Failures count against the code (single use, `SIGAP_OTP_MAX_ATTEMPTS` tries) and
    against the client (`SIGAP_OTP_MAX_FAILURES_PER_CLIENT` an hour), never against
    the phone: wrong guesses by someone else cannot lock the owner out, who can
    always ask for a fresh code and use it.
    """
    phone = phone_or_error(phone)
    failures_key = _hourly_key("failures", client)
    if _hourly_count(failures_key) >= settings.SIGAP_OTP_MAX_FAILURES_PER_CLIENT:
        raise RateLimited(
            "Terlalu banyak percobaan; coba lagi dalam satu jam.",
            code=CoreErrorCode.OTP_RATE_LIMITED,
        )
    try:
        return _otp_check(phone=phone, code=code, device=device)
    except ApplicationError:
        _hourly_counter(failures_key)
        raise


def _otp_check(*, phone: str, code: str, device: str) -> tuple[User, str, bool]:
    now = timezone.now()
    _otp_consume(phone=phone, code=code, now=now)
    with transaction.atomic():
        try:
            user, created = User.objects.get_or_create(phone=phone)
        except IntegrityError:
            user, created = User.objects.get(phone=phone), False
        if not user.is_active:
            raise ApplicationError(
                "Akun dinonaktifkan.", code=CoreErrorCode.ACCOUNT_DISABLED, status=403
            )
        if user.role != User.Role.RESIDENT:
            # Staff reach patients' data: a code by SMS alone is not enough.
            raise ApplicationError(
                "Petugas masuk dengan nomor HP dan kata sandi "
                "(POST /api/v1/auth/password).",
                code=CoreErrorCode.PASSWORD_REQUIRED,
                status=403,
            )
        ResidentProfile.objects.get_or_create(user=user)
        _, key = token_issue(user=user, name=device)
        user.last_login = now
        user.save(update_fields=["last_login"])
    return user, key, created


def _otp_consume(*, phone: str, code: str, now) -> None:
    """Check `code` against the phone's latest live code and use it up."""
    invalid = ApplicationError(
        "Kode salah atau sudah tidak berlaku.",
        code=CoreErrorCode.INVALID_CODE,
        fields={"code": "Kode salah."},
    )
    now = timezone.now()
    otp = (
        OneTimeCode.objects.filter(phone=phone, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if otp is None:
        raise invalid
    if otp.expires_at <= now:
        raise ApplicationError(
            "Kode sudah kedaluwarsa; minta kode baru.",
            code=CoreErrorCode.CODE_EXPIRED,
            fields={"code": "Kode kedaluwarsa."},
        )
    # Count the attempt with a conditional UPDATE so parallel guesses cannot exceed it.
    counted = OneTimeCode.objects.filter(
        pk=otp.pk, attempts__lt=settings.SIGAP_OTP_MAX_ATTEMPTS, used_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise ApplicationError(
            "Terlalu banyak percobaan untuk kode ini; minta kode baru.",
            code=CoreErrorCode.TOO_MANY_ATTEMPTS,
            fields={"code": "Minta kode baru."},
        )
    if not hmac.compare_digest(otp.code_hash, _code_hash(phone, str(code))):
        raise invalid
    # Single use: only one request can flip used_at.
    if not OneTimeCode.objects.filter(pk=otp.pk, used_at__isnull=True).update(
        used_at=now
    ):
        raise ApplicationError(
            "Kode sudah digunakan.",
            code=CoreErrorCode.CODE_USED,
            fields={"code": "Kode sudah digunakan."},
        )


def staff_sign_in(
    *, request, phone: str, password: str, code: str = "", device: str = ""
) -> tuple[User, str]:
    """Staff (health workers, health offices, curators) sign in to the API with
    their password, plus a one-time code when `SIGAP_STAFF_SECOND_FACTOR` is on.
    Failures are limited per account and per client (core.auth_backends)."""
    from django.contrib.auth import authenticate

    from core.auth_backends import login_blocked

    phone = phone_or_error(phone)
    if login_blocked(username=phone, request=request):
        raise RateLimited(
            "Terlalu banyak percobaan masuk; coba lagi dalam 15 menit.",
            code=CoreErrorCode.LOGIN_RATE_LIMITED,
        )
    user = authenticate(request, username=phone, password=password)
    if user is None or user.role == User.Role.RESIDENT:
        raise ApplicationError(
            "Nomor HP atau kata sandi salah.",
            code=CoreErrorCode.INVALID_CREDENTIALS,
            fields={"password": "Nomor HP atau kata sandi salah."},
        )
    if settings.SIGAP_STAFF_SECOND_FACTOR:
        if not code:
            raise ApplicationError(
                "Masukkan kode yang dikirim ke HP Anda "
                "(POST /api/v1/auth/otp/request).",
                code=CoreErrorCode.CODE_REQUIRED,
                fields={"code": "Wajib diisi."},
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


@transaction.atomic
def profile_update(*, user: User, data: dict) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    if "full_name" in data:
        user.full_name = data["full_name"].strip()
    if "language" in data:
        user.language = data["language"]
    for field in ("birth_date", "sex"):
        if field in data:
            setattr(profile, field, data[field])
    if "home_village" in data:
        code = data["home_village"]
        if code is None:
            profile.home_village = None
        else:
            village = Region.objects.filter(
                code=code, level=Region.Level.VILLAGE
            ).first()
            if village is None:
                raise ApplicationError(
                    "Kelurahan/desa tidak dikenal.",
                    code=CoreErrorCode.UNKNOWN_REGION,
                    fields={"home_village": "Kode kelurahan/desa tidak dikenal."},
                )
            profile.home_village = village
    if "nik" in data:
        nik = data["nik"] or None
        if nik is not None:
            result = check_nik(
                nik, birth_date=profile.birth_date, sex=profile.sex or None
            )
            if not result.valid:
                raise ApplicationError(
                    result.errors["nik"],
                    code=CoreErrorCode.INVALID_NIK,
                    fields=result.errors,
                )
        # A declaration never "takes" a NIK, nor says whether another account
        # declared it: only a verification (puskesmas, case report) makes it the
        # account's. Changing it drops the verification.
        if nik != profile.nik:
            profile.nik_verified_at = None
            profile.nik_verified_by = ""
        profile.nik = nik
    elif profile.nik and ("birth_date" in data or "sex" in data):
        result = check_nik(
            profile.nik, birth_date=profile.birth_date, sex=profile.sex or None
        )
        if not result.valid:
            raise ApplicationError(
                result.errors["nik"],
                code=CoreErrorCode.INVALID_NIK,
                fields=result.errors,
            )
    user.full_clean(exclude=["password"])
    user.save()
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def consent_give(*, user: User, language: str = "id") -> ResidentProfile:
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    if profile.consent_given_at is None:
        profile.consent_given_at = timezone.now()
    profile.consent_purpose = CONSENT_PURPOSE["en" if language == "en" else "id"]
    profile.consent_version = CONSENT_VERSION
    profile.consent_source = ResidentProfile.ConsentSource.APP
    profile.save()
    consent_remember(user, True)  # this request's user object knows at once
    return profile


@transaction.atomic
def consent_record_at_facility(
    *, patient: User, facility, actor: User
) -> ResidentProfile:
    """A health worker records the consent the patient gave at the puskesmas (on
    paper, at enrolment). Consent the patient already gave in the app is kept."""
    from core.services.audit import audit_record

    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=patient)
    if profile.consent_given_at is not None:
        return profile
    profile.consent_given_at = timezone.now()
    profile.consent_purpose = (
        CONSENT_PURPOSE["id"] + f" Persetujuan diberikan di {facility.name}."
    )
    profile.consent_version = CONSENT_VERSION
    profile.consent_source = ResidentProfile.ConsentSource.FACILITY
    profile.save()
    audit_record(
        actor=actor,
        action="consent.record_at_facility",
        target=profile,
        patient=patient,
        detail={"facility": facility.pk, "version": CONSENT_VERSION},
    )
    return profile


@transaction.atomic
def consent_withdraw(*, user: User) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    profile.consent_given_at = None
    profile.consent_version = ""
    profile.consent_source = ""
    profile.save()
    consent_remember(user, False)
    return profile


@transaction.atomic
def device_token_register(*, user: User, token: str, platform: str) -> DeviceToken:
    device, _ = DeviceToken.objects.update_or_create(
        token=token, defaults={"user": user, "platform": platform}
    )
    return device


@transaction.atomic
def staff_create(
    *,
    phone: str,
    full_name: str,
    role: str,
    facility=None,
    password: str | None = None,
    region=None,
    psc_region=None,
) -> User:
    """Create or update a staff account (health worker, health office, curator,
    hospital staff, PSC operator)."""
    phone = phone_or_error(phone)
    user, _ = User.objects.get_or_create(phone=phone)
    user.full_name = full_name
    user.role = role
    user.facility = facility
    if region is not None:
        user.region = region
    # The operator's superuser account is made with `createsuperuser`, never here.
    user.psc_region = psc_region
    # Curators (chatbot content) and health offices (their region's case data) use
    # the admin; see core/admin_scope.py.
    user.is_staff = role in (User.Role.CURATOR, User.Role.HEALTH_OFFICE)
    user.is_superuser = False
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    ResidentProfile.objects.get_or_create(user=user)
    return user


@transaction.atomic
def nik_verify(*, actor: User | None, patient: User, source: str = "facility"):
    """The puskesmas saw the patient's KTP (or a case report matched it): the
    declared NIK becomes the account's. A NIK verified for another account is a
    conflict for staff to resolve, never silently moved."""
    from core.exceptions import Conflict
    from core.services.audit import audit_record

    profile = ResidentProfile.objects.select_for_update().get(user=patient)
    if not profile.nik:
        raise ApplicationError(
            "Pasien belum mengisi NIK.",
            code=CoreErrorCode.NIK_MISSING,
            fields={"nik": "Kosong."},
        )
    elsewhere = (
        ResidentProfile.objects.filter(nik=profile.nik, nik_verified_at__isnull=False)
        .exclude(pk=profile.pk)
        .exists()
    )
    if elsewhere:
        raise Conflict(
            "NIK ini sudah diverifikasi untuk akun lain; periksa KTP dan hubungi "
            "Dinas Kesehatan.",
            code=CoreErrorCode.NIK_VERIFIED_ELSEWHERE,
        )
    profile.nik_verified_at = timezone.now()
    profile.nik_verified_by = source
    profile.save(update_fields=["nik_verified_at", "nik_verified_by", "updated_at"])
    audit_record(
        actor=actor,
        action="account.nik_verify",
        target=profile,
        patient=patient,
        detail={"source": source},
    )
    return profile
