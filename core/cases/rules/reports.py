"""One report as a source sent it: parsing and validation, field by field."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field

from core.areas.rules import parse_code
from core.cases.rules.persons import normalise_person_name
from core.cases.rules.vocabulary import (
    CONFIRMED,
    EARLIEST_BIRTH,
    EARLIEST_EVENT,
    REPORT_FIELDS,
    SEX_ALIASES,
    SPECIMEN_TYPES,
    STATUS_ALIASES,
    STATUSES,
    TEST_RESULT_ALIASES,
    TEST_TYPES,
)
from core.rules import check_nik


@dataclass(frozen=True)
class CleanReport:
    record_id: str
    nik: str | None
    full_name: str
    name_key: str
    birth_date: dt.date | None
    sex: str
    kelurahan_code: str
    household_id: str
    status: str
    event_date: dt.date
    specimen_type: str
    test_type: str
    test_result: str

    def fingerprint(self) -> str:
        """Same content -> same fingerprint, so a re-sent report changes nothing."""
        parts = [
            self.record_id,
            self.nik or "",
            self.full_name,
            self.birth_date.isoformat() if self.birth_date else "",
            self.sex,
            self.kelurahan_code,
            self.household_id,
            self.status,
            self.event_date.isoformat(),
            self.specimen_type,
            self.test_type,
            self.test_result,
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


_DATE_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")


def memo_clear() -> None:
    """Forget the names and dates memoised during an import: they are personal data
    and must not stay in a long-lived process's memory after the import ends."""
    normalise_person_name.cache_clear()
    _parse_date_text.cache_clear()


def parse_date(value) -> dt.date | None:
    """ISO (2021-03-01) or Indonesian day-first (01/03/2021, 1-3-2021). Raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _parse_date_text(str(value).strip())


@functools.lru_cache(maxsize=100_000)  # imports repeat the same dates many times
def _parse_date_text(text: str) -> dt.date | None:
    if not text:
        return None
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text[:10])


def _text(raw: Mapping, key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise TypeError(key)
    return str(value).strip()


def validate_report(
    raw: Mapping,
    *,
    villages: Container[str] | Callable[[str], bool],
    today: dt.date,
) -> tuple[CleanReport | None, dict[str, str]]:
    """Check one case report as a source sent it. Returns (report, {}) or (None, errors)
    with one message per field. `villages` says which kelurahan codes exist."""
    if not isinstance(raw, Mapping):
        return None, {"non_field_errors": "Setiap laporan harus berupa objek."}
    values, errors = _texts(raw)
    if errors:
        return None, errors
    # `today` is the server's date (UTC); in Indonesia (UTC+7 to +9) it may already be
    # tomorrow, so dates up to the day after count as today.
    draft = _Draft(values=values, latest=today + dt.timedelta(days=1))
    _check_record_id(draft)
    _check_full_name(draft)
    _check_birth_date(draft)
    _check_sex(draft)
    _check_nik(draft)  # may read the sex from the NIK
    _check_name_or_nik(draft)
    _check_sex_known(draft)
    _check_kelurahan_code(draft, villages)
    _check_household_id(draft)
    _check_status(draft)
    _check_event_date(draft)
    _check_specimen_type(draft)
    _check_test_type(draft)
    _check_test_result(draft)
    if draft.errors:
        return None, draft.errors
    return draft.clean(), {}


@dataclass
class _Draft:
    """A report being checked: its text values, what each check read from them and
    one error per field (a later check may overwrite an earlier one's message)."""

    values: dict[str, str]
    latest: dt.date
    errors: dict[str, str] = field(default_factory=dict)
    record_id: str = ""
    nik: str | None = None
    full_name: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    kelurahan: str | None = None
    household_id: str = ""
    status: str | None = None
    event_date: dt.date | None = None
    specimen_type: str = ""
    test_type: str = ""
    test_result: str = ""

    def clean(self) -> CleanReport:
        return CleanReport(
            record_id=self.record_id,
            nik=self.nik,
            full_name=self.full_name,
            name_key=normalise_person_name(self.full_name),
            birth_date=self.birth_date,
            sex=self.sex,
            kelurahan_code=self.kelurahan,
            household_id=self.household_id,
            status=self.status,
            event_date=self.event_date,
            specimen_type=self.specimen_type,
            test_type=self.test_type,
            test_result=self.test_result,
        )


def _texts(raw: Mapping) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key in REPORT_FIELDS:
        try:
            values[key] = _text(raw, key)
        except TypeError:
            errors[key] = "Harus berupa teks."
    return values, errors


def _check_record_id(draft: _Draft) -> None:
    draft.record_id = draft.values["record_id"]
    if not draft.record_id:
        draft.errors["record_id"] = "Wajib diisi (ID rekaman di sistem sumber)."
    elif len(draft.record_id) > 64:
        draft.errors["record_id"] = "Paling panjang 64 karakter."


def _check_full_name(draft: _Draft) -> None:
    draft.full_name = " ".join(draft.values["full_name"].split())
    if len(draft.full_name) > 150:
        draft.errors["full_name"] = "Paling panjang 150 karakter."


def _check_birth_date(draft: _Draft) -> None:
    try:
        draft.birth_date = parse_date(draft.values["birth_date"])
    except ValueError:
        draft.errors["birth_date"] = "Tanggal tidak valid; gunakan YYYY-MM-DD."
    birth_date = draft.birth_date
    if birth_date and not (EARLIEST_BIRTH <= birth_date <= draft.latest):
        draft.errors["birth_date"] = "Tanggal lahir di luar rentang yang masuk akal."
        draft.birth_date = None


def _check_sex(draft: _Draft) -> None:
    text = draft.values["sex"]
    draft.sex = SEX_ALIASES.get(text.lower(), "") if text else ""
    if text and not draft.sex:
        draft.errors["sex"] = "Gunakan M/F (atau L/P)."


def _check_nik(draft: _Draft) -> None:
    draft.nik = re.sub(r"[\s.\-]", "", draft.values["nik"]) or None
    if not draft.nik:
        return
    check = check_nik(draft.nik, birth_date=draft.birth_date, sex=draft.sex or None)
    if not check.valid:
        draft.errors["nik"] = next(iter(check.errors.values()))
    elif not draft.sex and check.sex:
        draft.sex = check.sex


def _check_name_or_nik(draft: _Draft) -> None:
    """A person is matched by NIK, or by name + birth date."""
    named = draft.full_name and (draft.birth_date or "birth_date" in draft.errors)
    if draft.nik or named:
        return
    if not draft.full_name:
        draft.errors.setdefault(
            "full_name", "Wajib diisi bila NIK kosong (nama + tanggal lahir)."
        )
    if not draft.values["birth_date"]:
        draft.errors.setdefault(
            "birth_date", "Wajib diisi bila NIK kosong (nama + tanggal lahir)."
        )


def _check_sex_known(draft: _Draft) -> None:
    if not draft.sex and "sex" not in draft.errors:
        draft.errors["sex"] = "Wajib diisi (M/F) bila tidak dapat dibaca dari NIK."


def _check_kelurahan_code(
    draft: _Draft, villages: Container[str] | Callable[[str], bool]
) -> None:
    text = draft.values["kelurahan_code"]
    draft.kelurahan = kelurahan = parse_code(text) if text else None
    if not text:
        draft.errors["kelurahan_code"] = "Wajib diisi (kode kelurahan/desa Kemendagri)."
    elif not kelurahan or kelurahan.count(".") != 3:
        draft.errors["kelurahan_code"] = (
            "Bukan kode kelurahan/desa (contoh 33.74.10.1001)."
        )
    else:
        known = villages(kelurahan) if callable(villages) else kelurahan in villages
        if not known:
            draft.errors["kelurahan_code"] = (
                f"Kelurahan/desa {kelurahan} tidak dikenal."
            )


def _check_household_id(draft: _Draft) -> None:
    draft.household_id = draft.values["household_id"]
    if len(draft.household_id) > 64:
        draft.errors["household_id"] = "Paling panjang 64 karakter."


def _check_status(draft: _Draft) -> None:
    text = draft.values["status"]
    draft.status = STATUS_ALIASES.get(text.lower()) if text else None
    if not draft.status:
        draft.errors["status"] = (
            "Status harus salah satu dari: " + ", ".join(STATUSES) + "."
        )


def _check_event_date(draft: _Draft) -> None:
    if not draft.values["event_date"]:
        draft.errors["event_date"] = "Wajib diisi."
        return
    try:
        draft.event_date = parse_date(draft.values["event_date"])
    except ValueError:
        draft.errors["event_date"] = "Tanggal tidak valid; gunakan YYYY-MM-DD."
    event_date, birth_date = draft.event_date, draft.birth_date
    if event_date and not (EARLIEST_EVENT <= event_date <= draft.latest):
        draft.errors["event_date"] = (
            "Tanggal kejadian tidak boleh di masa depan atau sebelum 2020."
        )
    if event_date and birth_date and event_date < birth_date:
        draft.errors["event_date"] = "Tanggal kejadian sebelum tanggal lahir."


def _check_specimen_type(draft: _Draft) -> None:
    draft.specimen_type = draft.values["specimen_type"].lower()
    if draft.specimen_type and draft.specimen_type not in SPECIMEN_TYPES:
        draft.errors["specimen_type"] = (
            "Gunakan salah satu dari: " + ", ".join(SPECIMEN_TYPES) + "."
        )


def _check_test_type(draft: _Draft) -> None:
    draft.test_type = draft.values["test_type"].lower()
    if draft.test_type and draft.test_type not in TEST_TYPES:
        draft.errors["test_type"] = (
            "Gunakan salah satu dari: " + ", ".join(TEST_TYPES) + "."
        )


def _check_test_result(draft: _Draft) -> None:
    text = draft.values["test_result"]
    if text:
        draft.test_result = TEST_RESULT_ALIASES.get(text.lower(), "")
        if not draft.test_result:
            draft.errors["test_result"] = (
                "Gunakan positive, negative atau inconclusive."
            )
        elif not draft.test_type and "test_type" not in draft.errors:
            draft.errors["test_type"] = "Wajib diisi bila ada hasil pemeriksaan."
    if draft.status == CONFIRMED and draft.test_result == "negative":
        draft.errors["test_result"] = (
            "Kasus konfirmasi tidak bisa berhasil pemeriksaan negatif."
        )


def validate_batch_report(
    raw: Mapping,
    *,
    villages: Container[str] | Callable[[str], bool],
    today: dt.date,
    seen: dict[str, int],
    position: int,
    duplicate: str,
) -> tuple[CleanReport | None, dict[str, str]]:
    """`validate_report` for one report of a batch (a file, a request): a record id
    already in the batch is refused with `duplicate`, formatted with the position
    where it first came. Accepted reports are noted in `seen` at `position`."""
    report, errors = validate_report(raw, villages=villages, today=today)
    if report is not None and report.record_id in seen:
        return None, {"record_id": duplicate.format(first=seen[report.record_id])}
    if report is not None:
        seen[report.record_id] = position
    return report, errors


__all__ = [
    "CleanReport",
    "memo_clear",
    "parse_date",
    "validate_batch_report",
    "validate_report",
]
