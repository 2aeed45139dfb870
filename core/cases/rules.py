"""Pure rules for case integration: report validation, person matching keys, the
status timeline of one case and the daily figures of an area. No ORM, no settings."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from core.areas.rules import parse_code
from core.rules import check_nik

# --- Vocabulary -------------------------------------------------------------------------

SUSPECT, PROBABLE, CONFIRMED, RECOVERED, DIED = (
    "suspect",
    "probable",
    "confirmed",
    "recovered",
    "died",
)
DISCARDED = (
    "discarded"  # derived: suspect/probable with no news for SUSPECT_DISCARD_DAYS
)
STATUSES = (SUSPECT, PROBABLE, CONFIRMED, RECOVERED, DIED)
# Same-day events apply in this order, so "confirmed" then "recovered" ends recovered.
STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}
STATUS_LABELS = {
    SUSPECT: {"id": "suspek", "en": "suspect"},
    PROBABLE: {"id": "probable", "en": "probable"},
    CONFIRMED: {"id": "konfirmasi", "en": "confirmed"},
    RECOVERED: {"id": "sembuh", "en": "recovered"},
    DIED: {"id": "meninggal", "en": "died"},
    DISCARDED: {"id": "discarded", "en": "discarded"},
}
STATUS_ALIASES = {
    "suspek": SUSPECT,
    "suspect": SUSPECT,
    "probable": PROBABLE,
    "probabel": PROBABLE,
    "confirmed": CONFIRMED,
    "konfirmasi": CONFIRMED,
    "terkonfirmasi": CONFIRMED,
    "positif": CONFIRMED,
    "recovered": RECOVERED,
    "sembuh": RECOVERED,
    "selesai isolasi": RECOVERED,
    "died": DIED,
    "meninggal": DIED,
    "death": DIED,
}
SEX_ALIASES = {
    "m": "M",
    "l": "M",
    "male": "M",
    "laki-laki": "M",
    "laki laki": "M",
    "pria": "M",
    "f": "F",
    "p": "F",
    "female": "F",
    "perempuan": "F",
    "wanita": "F",
}
SPECIMEN_TYPES = (
    "nasopharyngeal_swab",
    "oropharyngeal_swab",
    "sputum",
    "saliva",
    "blood",
    "other",
)
TEST_TYPES = ("pcr", "tcm", "antigen", "antibody", "other")
TEST_RESULTS = ("positive", "negative", "inconclusive")
TEST_RESULT_ALIASES = {
    "positive": "positive",
    "positif": "positive",
    "negative": "negative",
    "negatif": "negative",
    "inconclusive": "inconclusive",
    "invalid": "inconclusive",
}

# Kemenkes (KMK HK.01.07/MENKES/413/2020): a suspect or probable person with no further
# news after 14 days of quarantine is "discarded".
SUSPECT_DISCARD_DAYS = 14
HOUSEHOLD_WINDOW_DAYS = 7
EARLIEST_EVENT = dt.date(2020, 1, 1)
EARLIEST_BIRTH = dt.date(1900, 1, 1)

REPORT_FIELDS = (
    "record_id",
    "nik",
    "full_name",
    "birth_date",
    "sex",
    "kelurahan_code",
    "household_id",
    "status",
    "event_date",
    "specimen_type",
    "test_type",
    "test_result",
)
REQUIRED_COLUMNS = ("record_id", "kelurahan_code", "status", "event_date")


# --- Person names -----------------------------------------------------------------------

_HONORIFICS = {
    "h", "hj", "haji", "hajjah", "dr", "drg", "drs", "dra", "ir", "prof", "bpk",
    "bapak", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari", "tn", "tuan",
    "ny", "nyonya", "nn", "nona", "an", "anak", "alm", "almh", "ns", "mr", "mrs",
    "ms", "kh", "ust", "ustadz", "ustazah",
}  # fmt: skip
_MUHAMMAD = {
    "m", "mhd", "moh", "mohd", "muh", "mochamad", "mochammad", "mohamad", "mohammad",
    "mohamed", "muhamad", "muhammad", "muhammed", "mukhamad", "mukhammad",
}  # fmt: skip
# Van Ophuijsen / Soewandi spellings still on ID cards, folded to EYD.
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"))
_NON_LETTER = re.compile(r"[^a-z ]+")
_REPEATS = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=100_000)  # imports repeat the same names many times
def normalise_person_name(name: str) -> str:
    """Matching key of a person's name: "Hj. Siti Choirunnisa, S.Kom" and
    "SITI KHOIRUNISA" both give "siti hoirunisa".

    Degrees after a comma and honorifics go, old spellings fold to EYD, kh/ch to h,
    doubled letters to one and the many ways to write Muhammad to one."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.split(",")[0]
    text = _NON_LETTER.sub(" ", text.replace("'", ""))
    tokens = text.split()
    while len(tokens) > 1 and tokens[0] in _HONORIFICS:
        tokens = tokens[1:]
    out = []
    for i, token in enumerate(tokens):
        if token in _MUHAMMAD and (token != "m" or (i == 0 and len(tokens) > 1)):
            out.append("muhamad")
            continue
        if any(digraph in token for digraph, _ in _OLD_SPELLING):
            # An old-spelled name: its j is today's y ("Tjahjono" = "Cahyono"), but
            # the j that dj became stays j ("Djoko" = "Joko").
            for digraph, new in _OLD_SPELLING:
                token = token.replace(digraph, new.upper())
            token = token.replace("j", "y").lower()
        token = token.replace("kh", "h").replace("ch", "h")
        out.append(_REPEATS.sub(r"\1", token))
    return " ".join(out)


def person_keys(
    *,
    nik: str | None,
    name_key: str,
    birth_date: dt.date | None,
    kelurahan_code: str,
    secret: bytes,
) -> tuple[str | None, str | None]:
    """(NIK key, name key) for matching one person across sources. Both are keyed
    hashes, so the registry holds no NIK and matching needs the secret."""
    nik_key = None
    if nik:
        nik_key = "nik:" + hmac.new(secret, nik.encode(), hashlib.sha256).hexdigest()
    name_match = None
    if name_key and birth_date:
        raw = f"{name_key}|{birth_date.isoformat()}|{kelurahan_code}"
        name_match = (
            "name:" + hmac.new(secret, raw.encode(), hashlib.sha256).hexdigest()
        )
    return nik_key, name_match


def household_key(*, kelurahan_code: str, household_id: str, case_ref: str) -> str:
    """Households are counted per kelurahan by the source's household id; a person
    without one is a household of their own."""
    hid = re.sub(r"\s+", "", household_id or "").upper()
    return f"{kelurahan_code}:{hid}" if hid else f"case:{case_ref}"


# --- One report -------------------------------------------------------------------------


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
    errors: dict[str, str] = {}
    if not isinstance(raw, Mapping):
        return None, {"non_field_errors": "Setiap laporan harus berupa objek."}
    values: dict[str, str] = {}
    for key in REPORT_FIELDS:
        try:
            values[key] = _text(raw, key)
        except TypeError:
            errors[key] = "Harus berupa teks."
    if errors:
        return None, errors

    record_id = values["record_id"]
    if not record_id:
        errors["record_id"] = "Wajib diisi (ID rekaman di sistem sumber)."
    elif len(record_id) > 64:
        errors["record_id"] = "Paling panjang 64 karakter."

    full_name = " ".join(values["full_name"].split())
    if len(full_name) > 150:
        errors["full_name"] = "Paling panjang 150 karakter."

    birth_date = None
    try:
        birth_date = parse_date(values["birth_date"])
    except ValueError:
        errors["birth_date"] = "Tanggal tidak valid; gunakan YYYY-MM-DD."
    # `today` is the server's date (UTC); in Indonesia (UTC+7 to +9) it may already be
    # tomorrow, so dates up to the day after count as today.
    latest = today + dt.timedelta(days=1)
    if birth_date and not (EARLIEST_BIRTH <= birth_date <= latest):
        errors["birth_date"] = "Tanggal lahir di luar rentang yang masuk akal."
        birth_date = None

    sex = SEX_ALIASES.get(values["sex"].lower(), "") if values["sex"] else ""
    if values["sex"] and not sex:
        errors["sex"] = "Gunakan M/F (atau L/P)."

    nik = re.sub(r"[\s.\-]", "", values["nik"]) or None
    if nik:
        check = check_nik(nik, birth_date=birth_date, sex=sex or None)
        if not check.valid:
            errors["nik"] = next(iter(check.errors.values()))
        elif not sex and check.sex:
            sex = check.sex
    if not nik and not (full_name and (birth_date or "birth_date" in errors)):
        if not full_name:
            errors.setdefault(
                "full_name", "Wajib diisi bila NIK kosong (nama + tanggal lahir)."
            )
        if not values["birth_date"]:
            errors.setdefault(
                "birth_date", "Wajib diisi bila NIK kosong (nama + tanggal lahir)."
            )
    if not sex and "sex" not in errors:
        errors["sex"] = "Wajib diisi (M/F) bila tidak dapat dibaca dari NIK."

    kelurahan = (
        parse_code(values["kelurahan_code"]) if values["kelurahan_code"] else None
    )
    if not values["kelurahan_code"]:
        errors["kelurahan_code"] = "Wajib diisi (kode kelurahan/desa Kemendagri)."
    elif not kelurahan or kelurahan.count(".") != 3:
        errors["kelurahan_code"] = "Bukan kode kelurahan/desa (contoh 33.74.10.1001)."
    else:
        known = villages(kelurahan) if callable(villages) else kelurahan in villages
        if not known:
            errors["kelurahan_code"] = f"Kelurahan/desa {kelurahan} tidak dikenal."

    household_id = values["household_id"]
    if len(household_id) > 64:
        errors["household_id"] = "Paling panjang 64 karakter."

    status = STATUS_ALIASES.get(values["status"].lower()) if values["status"] else None
    if not status:
        errors["status"] = "Status harus salah satu dari: " + ", ".join(STATUSES) + "."

    event_date = None
    if not values["event_date"]:
        errors["event_date"] = "Wajib diisi."
    else:
        try:
            event_date = parse_date(values["event_date"])
        except ValueError:
            errors["event_date"] = "Tanggal tidak valid; gunakan YYYY-MM-DD."
        if event_date and not (EARLIEST_EVENT <= event_date <= latest):
            errors["event_date"] = (
                "Tanggal kejadian tidak boleh di masa depan atau sebelum 2020."
            )
        if event_date and birth_date and event_date < birth_date:
            errors["event_date"] = "Tanggal kejadian sebelum tanggal lahir."

    specimen = values["specimen_type"].lower()
    if specimen and specimen not in SPECIMEN_TYPES:
        errors["specimen_type"] = (
            "Gunakan salah satu dari: " + ", ".join(SPECIMEN_TYPES) + "."
        )
    test_type = values["test_type"].lower()
    if test_type and test_type not in TEST_TYPES:
        errors["test_type"] = "Gunakan salah satu dari: " + ", ".join(TEST_TYPES) + "."
    result = ""
    if values["test_result"]:
        result = TEST_RESULT_ALIASES.get(values["test_result"].lower(), "")
        if not result:
            errors["test_result"] = "Gunakan positive, negative atau inconclusive."
        elif not test_type and "test_type" not in errors:
            errors["test_type"] = "Wajib diisi bila ada hasil pemeriksaan."
    if status == CONFIRMED and result == "negative":
        errors["test_result"] = (
            "Kasus konfirmasi tidak bisa berhasil pemeriksaan negatif."
        )

    if errors:
        return None, errors
    return (
        CleanReport(
            record_id=record_id,
            nik=nik,
            full_name=full_name,
            name_key=normalise_person_name(full_name),
            birth_date=birth_date,
            sex=sex,
            kelurahan_code=kelurahan,
            household_id=household_id,
            status=status,
            event_date=event_date,
            specimen_type=specimen,
            test_type=test_type,
            test_result=result,
        ),
        {},
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


# --- One case over time -----------------------------------------------------------------


def _next_state(current: str | None, status: str) -> str | None:
    """The state after an event, or None when the event changes nothing.

    Death is final. A confirmed case only moves on to recovered or died: a late
    suspect/probable report about the same episode does not downgrade it. After
    recovery a new suspect/probable/confirmed event opens a new episode."""
    if current == DIED or current == status:
        return None
    if current == CONFIRMED:
        return status if status in (RECOVERED, DIED) else None
    return status


@dataclass(frozen=True)
class Timeline:
    transitions: tuple[tuple[dt.date, str], ...]  # (date, state) in order
    causes: tuple[int, ...] = ()  # index of the event behind each transition

    @property
    def status(self) -> str | None:
        return self.transitions[-1][1] if self.transitions else None

    def first(self, state: str) -> dt.date | None:
        return next((d for d, s in self.transitions if s == state), None)

    def last(self, state: str) -> dt.date | None:
        return next((d for d, s in reversed(self.transitions) if s == state), None)

    def state_on(self, day: dt.date) -> str | None:
        current = None
        for date, state in self.transitions:
            if date > day:
                break
            current = state
        return current


def case_timeline(events: Iterable[tuple[dt.date, str]]) -> Timeline:
    """Transitions of one case from its events (date, status), in any order."""
    ordered = sorted(enumerate(events), key=lambda e: (e[1][0], STATUS_ORDER[e[1][1]]))
    transitions: list[tuple[dt.date, str]] = []
    causes: list[int] = []
    current = None
    for index, (date, status) in ordered:
        if current in (SUSPECT, PROBABLE):
            expiry = transitions[-1][0] + dt.timedelta(days=SUSPECT_DISCARD_DAYS)
            if date > expiry:
                transitions.append((expiry, DISCARDED))
                causes.append(causes[-1])
                current = DISCARDED
        state = _next_state(current, status)
        if state is None:
            continue
        transitions.append((date, state))
        causes.append(index)
        current = state
    if current in (SUSPECT, PROBABLE):
        transitions.append(
            (transitions[-1][0] + dt.timedelta(days=SUSPECT_DISCARD_DAYS), DISCARDED)
        )
        causes.append(causes[-1])
    return Timeline(tuple(transitions), tuple(causes))


def timeline_to_data(timeline: Timeline) -> list[list[str]]:
    return [[d.isoformat(), s] for d, s in timeline.transitions]


def timeline_from_data(data: Iterable) -> Timeline:
    return Timeline(tuple((dt.date.fromisoformat(d), s) for d, s in data))


# --- Area figures -----------------------------------------------------------------------

FIGURES = (
    "new_confirmed",
    "active_confirmed",
    "recovered",
    "deaths",
    "suspect",
    "probable",
    "isolating",
    "households_confirmed_7d",
)
_ROW = {name: i for i, name in enumerate(FIGURES)}
_STATE_ROW = {
    CONFIRMED: _ROW["active_confirmed"],
    SUSPECT: _ROW["suspect"],
    PROBABLE: _ROW["probable"],
}
_EVENT_ROW = {
    CONFIRMED: _ROW["new_confirmed"],
    RECOVERED: _ROW["recovered"],
    DIED: _ROW["deaths"],
}


@dataclass
class Track:
    """What the figures need of one case: its household and its transitions."""

    household: str
    transitions: tuple[tuple[dt.date, str], ...] = field(default_factory=tuple)


def daily_figures(
    tracks: Iterable[Track], start: dt.date, end: dt.date
) -> dict[dt.date, dict[str, int]]:
    """Figures of one area for each day in [start, end] that has any non-zero figure.

    new_confirmed / recovered / deaths: transitions into that state that day;
    active_confirmed / suspect / probable: people in that state at the end of the day;
    isolating: suspect + probable + active confirmed (all must isolate or quarantine);
    households_confirmed_7d: distinct households with a case confirmed in the 7 days
    ending that day (the zoning metric)."""
    return {
        date: dict(zip(FIGURES, values, strict=True))
        for date, values in daily_figure_rows(tracks, start, end)
    }


def daily_figure_rows(
    tracks: Iterable[Track], start: dt.date, end: dt.date
) -> list[tuple[dt.date, list[int]]]:
    """`daily_figures` as (day, values in FIGURES order), days in order: the form
    bulk writes want, without a dict per day."""
    if end < start:
        return []
    days = (end - start).days + 1
    diff = np.zeros((len(FIGURES), days + 1), dtype=np.int64)
    events = np.zeros((len(FIGURES), days), dtype=np.int64)
    household_intervals: dict[str, list[tuple[int, int]]] = {}

    def idx(date: dt.date) -> int:
        return (date - start).days

    for track in tracks:
        transitions = track.transitions
        for i, (date, state) in enumerate(transitions):
            until = transitions[i + 1][0] if i + 1 < len(transitions) else None
            row = _STATE_ROW.get(state)
            if row is not None:
                a = max(idx(date), 0)
                b = min(idx(until), days) if until else days
                if a < b:
                    diff[row, a] += 1
                    diff[row, b] -= 1
            event_row = _EVENT_ROW.get(state)
            if event_row is not None and 0 <= idx(date) < days:
                events[event_row, idx(date)] += 1
            if state == CONFIRMED:
                a = idx(date)
                household_intervals.setdefault(track.household, []).append(
                    (a, a + HOUSEHOLD_WINDOW_DAYS)
                )
    house_row = _ROW["households_confirmed_7d"]
    for intervals in household_intervals.values():
        intervals.sort()
        merged: list[list[int]] = []
        for a, b in intervals:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            a, b = max(a, 0), min(b, days)
            if a < b:
                diff[house_row, a] += 1
                diff[house_row, b] -= 1
    levels = np.cumsum(diff[:, :days], axis=1) + events
    levels[_ROW["isolating"]] = (
        levels[_ROW["active_confirmed"]]
        + levels[_ROW["suspect"]]
        + levels[_ROW["probable"]]
    )
    nonzero = np.flatnonzero(levels.any(axis=0))
    columns = levels[:, nonzero].T.tolist()
    return [
        (start + dt.timedelta(days=day), values)
        for day, values in zip(nonzero.tolist(), columns, strict=True)
    ]


def zero_figures() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)
