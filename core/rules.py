"""Pure rules shared by every app: phone numbers, NIK, time zones. No ORM, no settings.

Messages are written in Indonesian and English and given in the active language
(`core.i18n.tr`): the request's, so an API client or page asking for English gets it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from lokal import parse_nik, parse_phone

from core.i18n import tr

# Plausible vital signs as a device or a person reports them, for the self-check and
# the check-in alike; outside them a report is rejected, not judged.
TEMPERATURE_RANGE = (Decimal("30.0"), Decimal("45.0"))
SPO2_RANGE = (50, 100)
RESPIRATORY_RATE_RANGE = (4, 80)

# Dates a request may name (a query's from/to, a day, a start date): wide enough for any
# real use, narrow enough that the windows built around them (to - 13 days, a day's end
# in UTC+9, start + 14 days) never leave Python's 0001-01-01 .. 9999-12-31, where date
# arithmetic raises OverflowError (a 500).
REQUEST_DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))


def date_range_error(
    value: dt.date, *, earliest: dt.date | None = None, latest: dt.date | None = None
) -> str | None:
    """Why `value` is outside [earliest, latest] (REQUEST_DATE_RANGE by default), or
    None when it is inside."""
    earliest = earliest or REQUEST_DATE_RANGE[0]
    latest = latest or REQUEST_DATE_RANGE[1]
    if earliest <= value <= latest:
        return None
    return tr(
        {
            "id": "Tanggal harus antara {earliest} dan {latest}.",
            "en": "The date must be between {earliest} and {latest}.",
        },
        earliest=earliest.isoformat(),
        latest=latest.isoformat(),
    )


# A birth date before this is a typo (0001-01-01, 1090 for 1990), in a profile as in a
# case report.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def birth_date_error(value: dt.date, *, today: dt.date) -> str | None:
    """Why a birth date cannot be a living person's (in the future, before 1900), or
    None. `today` is the person's own local day."""
    if value > today:
        return tr(
            {
                "id": "Tanggal lahir tidak boleh di masa depan.",
                "en": "The birth date cannot be in the future.",
            }
        )
    if value < EARLIEST_BIRTH_DATE:
        return tr(
            {
                "id": "Tanggal lahir tidak boleh sebelum {earliest}.",
                "en": "The birth date cannot be before {earliest}.",
            },
            earliest=EARLIEST_BIRTH_DATE.isoformat(),
        )
    return None


WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# The same zones as tzinfo. WIB is also the zone for anyone whose own is not known
# (anonymous visitors, national figures, reports by Indonesian day).
WIB_ZONE, WITA_ZONE, WIT_ZONE = ZoneInfo(WIB), ZoneInfo(WITA), ZoneInfo(WIT)

# Province code -> zone (Kemendagri codes). Kalimantan Barat/Tengah are WIB.
_WITA_PROVINCES = {
    "51",
    "52",
    "53",
    "63",
    "64",
    "65",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
TZ_LABELS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


def timezone_for_region(code: str) -> str:
    province = (code or "").split(".")[0]
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB


def zoneinfo_for_region(code: str) -> ZoneInfo:
    return ZoneInfo(timezone_for_region(code))


class InvalidPhone(ValueError):
    pass


PHONE_INVALID = {"id": "Nomor HP tidak valid.", "en": "Invalid phone number."}
PHONE_NOT_INDONESIAN = {
    "id": "Nomor HP tidak valid; gunakan nomor seluler Indonesia (08…/+628…).",
    "en": "Invalid phone number; use an Indonesian mobile number (08…/+628…).",
}


def initials(name: str) -> str:
    """'Alice Wulandari' -> 'A.W.': enough for staff to recognise a patient in a
    message, no more (messages to staff never carry a resident's full name)."""
    parts = [p for p in (name or "").split() if p[:1].isalpha()]
    return ".".join(p[0].upper() for p in parts[:3]) + "." if parts else "?"


def normalise_phone(raw: str) -> str:
    """Return the E.164 form of an Indonesian mobile number ('0812…' == '+62812…')."""
    if not isinstance(raw, str):
        raise InvalidPhone(tr(PHONE_INVALID))
    cleaned = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    info = parse_phone(cleaned)
    if not info.valid or info.type != "mobile" or not info.e164:
        raise InvalidPhone(tr(PHONE_NOT_INDONESIAN))
    return info.e164


def mask_phone(e164: str) -> str:
    """For the few places a person must recognise their own number (never in logs)."""
    return e164[:5] + "*" * max(len(e164) - 8, 0) + e164[-3:] if e164 else ""


NIK_MESSAGES = {
    "format": {"id": "NIK harus 16 digit angka.", "en": "A NIK is 16 digits."},
    "region": {
        "id": "Kode wilayah pada NIK tidak dikenal.",
        "en": "The NIK's area code is unknown.",
    },
    "birth_date": {
        "id": "Tanggal lahir pada NIK tidak valid.",
        "en": "The NIK's birth date is not valid.",
    },
    "invalid": {"id": "NIK tidak valid.", "en": "Invalid NIK."},
    "birth_date_mismatch": {
        "id": "NIK tidak cocok dengan tanggal lahir.",
        "en": "The NIK does not match the birth date.",
    },
    "sex_mismatch": {
        "id": "NIK tidak cocok dengan jenis kelamin.",
        "en": "The NIK does not match the sex.",
    },
}


@dataclass(frozen=True)
class NikCheck:
    valid: bool
    errors: dict[str, str] = field(default_factory=dict)
    district_code: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None


def check_nik(
    nik: str, *, birth_date: dt.date | None = None, sex: str | None = None
) -> NikCheck:
    """Validate a NIK: 16 digits, a real region, an encoded birth date (day+40 for women),
    and consistency with the birth date and sex given beside it."""
    if not isinstance(nik, str) or len(nik) != 16 or not nik.isdigit():
        return NikCheck(False, {"nik": tr(NIK_MESSAGES["format"])})
    info = parse_nik(nik)
    if not info.valid:
        code = info.errors[0].code if info.errors else "format"
        key = {
            "province": "region",
            "regency": "region",
            "district": "region",
            "birth_date": "birth_date",
        }.get(code, "invalid")
        return NikCheck(False, {"nik": tr(NIK_MESSAGES[key])})
    encoded_birth = dt.date.fromisoformat(info.birth_date) if info.birth_date else None
    encoded_sex = {"L": "M", "P": "F"}.get(info.gender or "")
    errors: dict[str, str] = {}
    if birth_date and encoded_birth:
        # NIK encodes only a two-digit year, so compare day, month and year mod 100.
        if (birth_date.day, birth_date.month, birth_date.year % 100) != (
            encoded_birth.day,
            encoded_birth.month,
            encoded_birth.year % 100,
        ):
            errors["nik"] = tr(NIK_MESSAGES["birth_date_mismatch"])
    if sex and encoded_sex and sex != encoded_sex and "nik" not in errors:
        errors["nik"] = tr(NIK_MESSAGES["sex_mismatch"])
    return NikCheck(
        not errors,
        errors,
        district_code=info.district_code,
        birth_date=encoded_birth,
        sex=encoded_sex,
    )


def is_quiet_hour(
    moment: dt.datetime, tz: ZoneInfo, quiet: tuple[int, int] = (21, 6)
) -> bool:
    start, end = quiet
    hour = moment.astimezone(tz).hour
    return hour >= start or hour < end


def next_allowed_send(
    moment: dt.datetime, tz: ZoneInfo, quiet: tuple[int, int] = (21, 6)
) -> dt.datetime:
    """The first moment at or after `moment` outside quiet hours, in UTC."""
    if not is_quiet_hour(moment, tz, quiet):
        return moment
    local = moment.astimezone(tz)
    end_today = local.replace(hour=quiet[1], minute=0, second=0, microsecond=0)
    target = end_today if local.hour < quiet[1] else end_today + dt.timedelta(days=1)
    return target.astimezone(dt.UTC)


def notification_backoff(attempt: int) -> dt.timedelta:
    """Retry delay after a failed delivery: 30 s, 1, 2, 4 … minutes, capped at 1 hour."""
    return dt.timedelta(seconds=min(30 * (2 ** max(attempt - 1, 0)), 3600))


# Characters that change how text around them is shown without being seen: bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069; "\u202egnp.exe"
# shows as "exe.png" on a staff page), the bidi marks, and zero-width characters
# (U+200B-U+200D, U+2060, U+FEFF) that make a blank name look filled in.
INVISIBLE_CHARACTERS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
    + ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
)
_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))


def text_clean(value: str) -> str:
    """Text a person sends (a name, a note, a reason, a chat message) without the
    invisible characters above; everything else, line breaks included, stays."""
    return value.translate(_INVISIBLE_TABLE)


def text_has_visible(value: str) -> bool:
    """Whether `value` shows anything: a character that is not a space, a separator,
    a control or a format character."""
    import unicodedata

    return any(unicodedata.category(ch)[0] not in "ZC" for ch in value)
