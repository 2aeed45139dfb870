"""A resident's account: consent, profile, devices, NIK; staff accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation

from core.error_codes import CoreErrorCode
from core.exceptions import ApplicationError, Conflict, PermissionDenied
from core.i18n import tr
from core.models import (
    DeviceToken,
    Region,
    ResidentProfile,
    User,
)
from core.rules import (
    InvalidPhone,
    birth_date_error,
    check_nik,
    normalise_phone,
    text_clean,
)
from core.selectors import consent_remember

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
    "id": "Berikan persetujuan pemrosesan data kesehatan dulu, di pengaturan akun "
    "Anda. Cek mandiri tetap bisa dilakukan tanpa masuk.",
    "en": "Give consent to health-data processing first, in your account settings. "
    "The self-check also works without signing in.",
}


def consent_require(
    user: User,
    *,
    language: str | None = None,
    messages: dict[str, str] | None = None,
) -> None:
    """The one consent rule for every write of a resident's health data (self-check,
    check-in, isolation request, booking): 403 `consent_required` without it.
    `messages` (id/en) says what the consent is missing for, when not the default."""
    from core.i18n import pick
    from core.selectors import user_has_consent

    if not user_has_consent(user):
        raise PermissionDenied(
            pick(
                messages or CONSENT_REQUIRED,
                language or translation.get_language() or user.language,
            ),
            code=CoreErrorCode.CONSENT_REQUIRED,
        )


def phone_or_error(raw: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhone as exc:
        raise ApplicationError(
            str(exc), code=CoreErrorCode.INVALID_PHONE, fields={"phone": str(exc)}
        ) from exc


@transaction.atomic
def profile_update(*, user: User, data: dict) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    birth_date = data.get("birth_date")
    if birth_date is not None:
        error = birth_date_error(birth_date, today=timezone.localdate(timezone=user.tz))
        if error:
            raise ApplicationError(
                error,
                code=CoreErrorCode.INVALID_BIRTH_DATE,
                fields={"birth_date": error},
            )
    if "full_name" in data:
        user.full_name = text_clean(data["full_name"]).strip()
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
                    tr(
                        {
                            "id": "Kelurahan/desa tidak dikenal.",
                            "en": "Unknown village (kelurahan/desa).",
                        }
                    ),
                    code=CoreErrorCode.UNKNOWN_REGION,
                    fields={
                        "home_village": tr(
                            {
                                "id": "Kode kelurahan/desa tidak dikenal.",
                                "en": "Unknown village code.",
                            }
                        )
                    },
                )
            profile.home_village = village
        user.tz_forget()
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


CONSENT_IN_CARE = {
    "id": "Persetujuan belum dapat ditarik selama perawatan yang membutuhkannya masih "
    "berjalan:",
    "en": "Consent cannot be withdrawn while care that needs it is in progress:",
}


@transaction.atomic
def consent_withdraw(*, user: User, language: str | None = None) -> ResidentProfile:
    """Withdraw consent to health-data processing, from the next request on.

    Refused (409 ``active_isolation``) while care that needs it is running: under
    isolation monitoring every check-in needs consent, and refusing them would stop
    the danger-sign alerts without the nurse knowing. The refusal lists each blocker
    (docs/privacy.md); nothing changes."""
    from core.services.privacy import blocked_conflict, user_consent_blockers

    # The profile row lock orders this against an enrolment recording consent.
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    blockers = user_consent_blockers(user=user)
    if blockers:
        raise blocked_conflict(CONSENT_IN_CARE, blockers)
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
    from core.services.audit import audit_record

    profile = ResidentProfile.objects.select_for_update().get(user=patient)
    if not profile.nik:
        raise ApplicationError(
            tr({"id": "Pasien belum mengisi NIK.", "en": "The patient has no NIK."}),
            code=CoreErrorCode.NIK_MISSING,
            fields={"nik": tr({"id": "Kosong.", "en": "Empty."})},
        )
    elsewhere = (
        ResidentProfile.objects.filter(nik=profile.nik, nik_verified_at__isnull=False)
        .exclude(pk=profile.pk)
        .exists()
    )
    if elsewhere:
        raise Conflict(
            tr(
                {
                    "id": "NIK ini sudah diverifikasi untuk akun lain; periksa KTP dan "
                    "hubungi Dinas Kesehatan.",
                    "en": "This NIK is already verified for another account; check "
                    "the KTP and contact the health office.",
                }
            ),
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
