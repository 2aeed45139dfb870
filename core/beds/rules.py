"""Pure bed rules: kinds, staleness, distance, the kinds a patient needs, ranking and
occupancy. No ORM, no settings."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

BED_KINDS: tuple[str, ...] = (
    "icu_ventilator",
    "icu",
    "hcu",
    "isolation_negative",
    "isolation",
    "igd",
)
STALE_AFTER = dt.timedelta(hours=24)
MAX_BEDS_PER_KIND = 10_000
MAX_OXYGEN_DAYS = Decimal("999.9")
# Reports dated further ahead than this are a clock error at the sender.
MAX_FUTURE = dt.timedelta(minutes=10)

# A critical patient needs an intensive bed when the danger is severe, otherwise an
# isolation bed; the emergency department (IGD) takes anyone while it has room.
SEVERE_SPO2_BELOW = 90
SEVERE_SIGNS = frozenset({"bluish_lips", "confusion"})
INTENSIVE_KINDS = ("icu_ventilator", "icu", "hcu", "igd")
ISOLATION_KINDS = ("isolation_negative", "isolation", "igd")

EARTH_RADIUS_KM = 6371.0088


def is_stale(reported_at: dt.datetime | None, now: dt.datetime) -> bool:
    return reported_at is None or now - reported_at > STALE_AFTER


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (straight-line) distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def beds_validate(beds: object) -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    """`{kind: {"total", "free"}}` -> (clean counts, errors by field)."""
    if not isinstance(beds, Mapping) or not beds:
        return {}, {"beds": "Isi minimal satu jenis tempat tidur."}
    clean: dict[str, dict[str, int]] = {}
    errors: dict[str, str] = {}
    for kind, counts in beds.items():
        if kind not in BED_KINDS:
            errors[f"beds.{kind}"] = (
                f"Jenis tidak dikenal; pilih: {', '.join(BED_KINDS)}."
            )
            continue
        if not isinstance(counts, Mapping) or set(counts) - {"total", "free"}:
            errors[f"beds.{kind}"] = 'Harus berupa {"total": n, "free": n}.'
            continue
        total, free = counts.get("total"), counts.get("free")
        if not all(
            isinstance(v, int)
            and not isinstance(v, bool)
            and 0 <= v <= MAX_BEDS_PER_KIND
            for v in (total, free)
        ):
            errors[f"beds.{kind}"] = (
                f"total dan free harus bilangan bulat 0–{MAX_BEDS_PER_KIND}."
            )
            continue
        if free > total:
            errors[f"beds.{kind}"] = "free tidak boleh melebihi total."
            continue
        clean[kind] = {"total": total, "free": free}
    return clean, errors


def oxygen_validate(value: object) -> tuple[Decimal | None, str | None]:
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, "Harus berupa angka hari."
    try:
        days = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        return None, "Harus berupa angka hari."
    if not days.is_finite() or days < 0 or days > MAX_OXYGEN_DAYS:
        return None, f"Harus antara 0 dan {MAX_OXYGEN_DAYS} hari."
    return days, None


def needed_bed_kinds(
    *, spo2: int | None = None, danger_signs: Iterable[str] = ()
) -> tuple[str, ...]:
    """The bed kinds that can take a patient in danger, best first."""
    if (spo2 is not None and spo2 < SEVERE_SPO2_BELOW) or SEVERE_SIGNS & set(
        danger_signs
    ):
        return INTENSIVE_KINDS
    return ISOLATION_KINDS


def free_of(beds: Mapping[str, Mapping[str, int]], kinds: Iterable[str]) -> int:
    return sum(beds.get(k, {}).get("free", 0) for k in kinds)


def kind_reported_at(entry: Mapping) -> dt.datetime | None:
    """When a kind's figure in a hospital's picture was counted."""
    at = entry.get("reported_at")
    if isinstance(at, dt.datetime):
        return at
    return dt.datetime.fromisoformat(at) if isinstance(at, str) else None


def beds_merge(
    current: Mapping[str, Mapping],
    counts: Mapping[str, Mapping[str, int]],
    *,
    reported_at: dt.datetime,
    report_id: int,
) -> dict[str, dict]:
    """A hospital's picture after one report. Reports are often partial (the ICU
    nurse counts the ICU only): a kind in the report replaces that kind unless the
    picture already holds a newer figure of it (a late-arriving older report); kinds
    not in the report keep their last figure and the time it was counted."""
    merged = {kind: dict(entry) for kind, entry in current.items()}
    for kind, c in counts.items():
        held = merged.get(kind)
        if held is not None:
            held_at = kind_reported_at(held)
            if held_at is not None and (held_at, held.get("report_id") or 0) >= (
                reported_at,
                report_id,
            ):
                continue
        merged[kind] = {
            "total": c["total"],
            "free": c["free"],
            "reported_at": reported_at.isoformat(),
            "report_id": report_id,
        }
    return merged


def free_needed(
    beds: Mapping[str, Mapping], kinds: Iterable[str], now: dt.datetime
) -> tuple[int, int]:
    """(free beds of these kinds, of which on a fresh figure): each kind's figure
    is fresh or stale on its own."""
    free = fresh = 0
    for kind in kinds:
        entry = beds.get(kind)
        if not entry:
            continue
        free += entry.get("free", 0)
        if not is_stale(kind_reported_at(entry), now):
            fresh += entry.get("free", 0)
    return free, fresh


def referral_rank_key(
    *, free: int, stale: bool, distance: float | None, name: str
) -> tuple:
    """Hospitals with free beds of the needed kind (a fresh report) first, then those
    whose last report showed free beds but is stale, then the rest; nearest first
    within each group."""
    tier = 0 if free > 0 and not stale else 1 if free > 0 else 2
    return (tier, math.inf if distance is None else distance, name)


def occupancy(total: int, free: int) -> float | None:
    """Bed occupancy ratio (BOR) = occupied / total, as a fraction."""
    if total <= 0:
        return None
    return round((total - free) / total, 4)
