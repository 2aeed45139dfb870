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
from rest_framework.authtoken.models import Token

from core.exceptions import ApplicationError, RateLimited
from core.models import DeviceToken, OneTimeCode, Region, ResidentProfile, User
from core.rules import InvalidPhone, check_nik, normalise_phone

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


def phone_or_error(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise ApplicationError(
            str(exc), code="invalid_phone", fields={"phone": str(exc)}
        ) from exc


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _hourly_counter(kind: str, phone: str) -> int:
    """Atomic per-phone hourly counter (Redis INCR when REDIS_URL is set)."""
    key = f"otp:{kind}:{hashlib.sha256(phone.encode()).hexdigest()[:24]}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3700)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3700)
        return 1


def otp_request(*, phone: str) -> OneTimeCode:
    phone = phone_or_error(phone)
    if _hourly_counter("request", phone) > settings.SIGAP_OTP_MAX_PER_HOUR:
        raise RateLimited(
            "Terlalu banyak permintaan kode untuk nomor ini; coba lagi dalam satu jam.",
            code="otp_rate_limited",
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


def otp_verify(*, phone: str, code: str) -> tuple[User, str, bool]:
    """Check a code; return (user, api token key, created). Single use, 5 attempts."""
    phone = phone_or_error(phone)
    invalid = ApplicationError(
        "Kode salah atau sudah tidak berlaku.",
        code="invalid_code",
        fields={"code": "Kode salah."},
    )
    if (
        _hourly_counter("verify", phone)
        > settings.SIGAP_OTP_MAX_ATTEMPTS * settings.SIGAP_OTP_MAX_PER_HOUR
    ):
        raise RateLimited(
            "Terlalu banyak percobaan; coba lagi dalam satu jam.",
            code="otp_rate_limited",
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
            code="code_expired",
            fields={"code": "Kode kedaluwarsa."},
        )
    # Count the attempt with a conditional UPDATE so parallel guesses cannot exceed it.
    counted = OneTimeCode.objects.filter(
        pk=otp.pk, attempts__lt=settings.SIGAP_OTP_MAX_ATTEMPTS, used_at__isnull=True
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise ApplicationError(
            "Terlalu banyak percobaan untuk kode ini; minta kode baru.",
            code="too_many_attempts",
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
            code="code_used",
            fields={"code": "Kode sudah digunakan."},
        )
    with transaction.atomic():
        try:
            user, created = User.objects.get_or_create(phone=phone)
        except IntegrityError:
            user, created = User.objects.get(phone=phone), False
        if not user.is_active:
            raise ApplicationError(
                "Akun dinonaktifkan.", code="account_disabled", status=403
            )
        ResidentProfile.objects.get_or_create(user=user)
        token, _ = Token.objects.get_or_create(user=user)
        user.last_login = now
        user.save(update_fields=["last_login"])
    return user, token.key, created


def sign_out(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


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
                    code="unknown_region",
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
                    result.errors["nik"], code="invalid_nik", fields=result.errors
                )
            taken = (
                ResidentProfile.objects.filter(nik=nik).exclude(pk=profile.pk).exists()
            )
            if taken:
                raise ApplicationError(
                    "NIK ini sudah terdaftar pada akun lain.",
                    code="nik_taken",
                    fields={"nik": "NIK sudah terdaftar."},
                )
        profile.nik = nik
    elif profile.nik and ("birth_date" in data or "sex" in data):
        result = check_nik(
            profile.nik, birth_date=profile.birth_date, sex=profile.sex or None
        )
        if not result.valid:
            raise ApplicationError(
                result.errors["nik"], code="invalid_nik", fields=result.errors
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
    profile.save()
    return profile


@transaction.atomic
def consent_withdraw(*, user: User) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    profile.consent_given_at = None
    profile.consent_version = ""
    profile.save()
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
    psc_region=None,
) -> User:
    """Create or update a staff account (health worker, health office, curator,
    hospital staff, PSC operator)."""
    phone = phone_or_error(phone)
    user, _ = User.objects.get_or_create(phone=phone)
    user.full_name = full_name
    user.role = role
    user.facility = facility
    user.psc_region = psc_region
    user.is_staff = role == User.Role.CURATOR
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    ResidentProfile.objects.get_or_create(user=user)
    return user
