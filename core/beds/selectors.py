"""Every read of bed availability.

The search reads an in-process index of the hospitals and their current beds (a few
thousand rows nationwide), rebuilt when a report changes it: each request costs one
small cache read (the index version) and arithmetic, never a query."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from core.beds import rules
from core.models import BedAvailability, BedCount, BedReport, Facility, Region

VERSION_KEY = "beds:index:version"
# An index older than this is rebuilt even without a version change (a facility
# edited in the admin, a cache that was down).
INDEX_MAX_AGE_S = 60
# How often a process asks the cache whether the index changed: a new report shows
# in every process within this, at one cache read per second instead of per search.
VERSION_CHECK_S = 1.0

_lock = threading.Lock()
_index: dict = {"version": None, "built": 0.0, "rows": [], "checked": 0.0, "seen": None}


@dataclass(frozen=True)
class HospitalRow:
    id: int
    name: str
    code: str
    address: str
    phone: str
    latitude: float | None
    longitude: float | None
    district: str
    is_referral: bool
    beds: dict
    # The hospital's newest report (each kind in `beds` has its own reported_at).
    reported_at: dt.datetime | None
    oxygen_days: float | None
    oxygen_reported_at: dt.datetime | None
    # Free beds per kind and in all, counted once when the index is built.
    free: dict
    free_any: int


def beds_index_invalidate() -> None:
    try:
        cache.set(VERSION_KEY, time.time_ns(), None)
    except Exception:  # the index still expires on its own
        pass
    _index["version"] = None


@receiver(post_save, sender=Facility, dispatch_uid="sigap_beds_facility_saved")
@receiver(post_delete, sender=Facility, dispatch_uid="sigap_beds_facility_deleted")
def _facility_changed(sender, instance: Facility, **kwargs) -> None:
    # A hospital added, moved or closed shows in the next search of every process.
    beds_index_invalidate()
    transaction.on_commit(beds_index_invalidate)


def index_reset() -> None:
    """Forget this process's index (tests: each starts from its own data)."""
    _index.update(version=None, built=0.0, rows=[], checked=0.0, seen=None)


def _version():
    try:
        return cache.get(VERSION_KEY)
    except Exception:
        return None


def _build() -> list[HospitalRow]:
    current = {
        a["facility_id"]: a
        for a in BedAvailability.objects.values(
            "facility_id", "beds", "reported_at", "oxygen_days", "oxygen_reported_at"
        )
    }
    rows = []
    for f in Facility.objects.filter(
        kind=Facility.Kind.HOSPITAL, is_active=True
    ).values(
        "id",
        "name",
        "code",
        "address",
        "phone",
        "latitude",
        "longitude",
        "district_id",
        "is_referral",
    ):
        a = current.get(f["id"], {})
        beds = {
            kind: {
                "total": v.get("total", 0),
                "free": v.get("free", 0),
                "reported_at": rules.kind_reported_at(v) or a.get("reported_at"),
            }
            for kind, v in (a.get("beds") or {}).items()
        }
        free = {kind: v["free"] for kind, v in beds.items()}
        rows.append(
            HospitalRow(
                id=f["id"],
                name=f["name"],
                code=f["code"],
                address=f["address"],
                phone=f["phone"],
                latitude=f["latitude"],
                longitude=f["longitude"],
                district=f["district_id"],
                is_referral=f["is_referral"],
                beds=beds,
                free=free,
                free_any=sum(free.values()),
                reported_at=a.get("reported_at"),
                oxygen_days=float(a["oxygen_days"])
                if a.get("oxygen_days") is not None
                else None,
                oxygen_reported_at=a.get("oxygen_reported_at"),
            )
        )
    return rows


def hospital_index() -> list[HospitalRow]:
    now = time.monotonic()
    if _index["version"] is not None and now - _index["checked"] < VERSION_CHECK_S:
        version = _index["seen"]
    else:
        version = _version()
        _index["checked"], _index["seen"] = now, version
    if (
        _index["version"] is not None
        and _index["version"] == version
        and now - _index["built"] < INDEX_MAX_AGE_S
    ):
        return _index["rows"]
    with _lock:
        if not (
            _index["version"] is not None
            and _index["version"] == version
            and now - _index["built"] < INDEX_MAX_AGE_S
        ):
            if version is None:
                beds_index_invalidate()
                version = _version() or "local"
            _index["rows"] = _build()
            _index["built"] = time.monotonic()
            _index["version"] = _index["seen"] = version
        return _index["rows"]


def region_point(region: Region | None) -> tuple[float, float] | None:
    """A region's coordinates, else its nearest ancestor's."""
    while region is not None:
        if region.latitude is not None and region.longitude is not None:
            return region.latitude, region.longitude
        region = region.parent
    return None


def bed_summary(row: HospitalRow, now: dt.datetime) -> dict:
    """Each kind as last reported, with its own time and staleness; `updated_at` is
    the hospital's newest report, `stale` says that some figure shown is over 24 h
    old (or there is none)."""
    beds = {
        kind: {
            "free": v["free"],
            "total": v["total"],
            "updated_at": v["reported_at"],
            "stale": rules.is_stale(v["reported_at"], now),
        }
        for kind in rules.BED_KINDS
        if (v := row.beds.get(kind)) is not None
    }
    return {
        "beds": beds,
        "oxygen_days": row.oxygen_days,
        "oxygen_updated_at": row.oxygen_reported_at,
        "updated_at": row.reported_at,
        "stale": not beds or any(v["stale"] for v in beds.values()),
    }


def _search_row(row: HospitalRow, distance, free: int, now: dt.datetime) -> dict:
    return {
        "id": row.id,
        "code": row.code,
        "name": row.name,
        "address": row.address,
        "phone": row.phone,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "is_referral": row.is_referral,
        "district": row.district,
        "distance_km": None if distance is None else round(distance, 2),
        "free": free,
        **bed_summary(row, now),
    }


def beds_search_page(
    *,
    origin: tuple[float, float] | None,
    area: str | None = None,
    kind: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    now: dt.datetime | None = None,
) -> tuple[int, list[dict]]:
    """Hospitals with free beds (of `kind`, else of any kind), nearest first by
    straight-line distance from `origin`; inside `area` (a region code prefix) when
    there is no origin. Returns (how many, the rows of the page)."""
    now = now or timezone.now()
    found = []
    for row in hospital_index():
        free = row.free.get(kind, 0) if kind else row.free_any
        if free <= 0:
            continue
        if origin is None:
            if area and not row.district.startswith(area):
                continue
            distance = None
        elif row.latitude is None:
            continue
        else:
            distance = rules.distance_km(
                origin[0], origin[1], row.latitude, row.longitude
            )
        found.append(
            (0.0 if distance is None else distance, row.name, distance, row, free)
        )
    found.sort(key=lambda t: (t[0], t[1]))
    page = found[offset : None if limit is None else offset + limit]
    return len(found), [_search_row(r, d, f, now) for _k, _n, d, r, f in page]


def beds_search(
    *,
    origin: tuple[float, float] | None,
    area: str | None = None,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> list[dict]:
    return beds_search_page(origin=origin, area=area, kind=kind, now=now)[1]


def referral_hospitals_ranked(
    *,
    origin: tuple[float, float] | None,
    kinds: tuple[str, ...],
    area: str | None = None,
    limit: int = 3,
    now: dt.datetime | None = None,
) -> list[dict]:
    """Active referral hospitals ranked by free beds of the needed kinds (fresh
    report first), then distance (rules.referral_rank_key). Without an origin, the
    referral hospitals whose code starts with `area` (kab/kota, else province)."""
    now = now or timezone.now()
    ranked = []
    for row in hospital_index():
        if not row.is_referral:
            continue
        distance = None
        if origin is not None:
            if row.latitude is None:
                continue
            distance = rules.distance_km(
                origin[0], origin[1], row.latitude, row.longitude
            )
        elif area and not row.district.startswith(area):
            continue
        free, fresh = rules.free_needed(row.beds, kinds, now)
        # Free beds on a fresh figure of a needed kind first; free beds known only
        # from a stale figure next.
        key = rules.referral_rank_key(
            free=fresh or free, stale=not fresh, distance=distance, name=row.name
        )
        ranked.append((key, row, distance, free, fresh))
    ranked.sort(key=lambda t: t[0])
    return [
        {
            "id": row.id,
            "name": row.name,
            "address": row.address,
            "phone": row.phone,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "distance_km": None if distance is None else round(distance, 2),
            "needed_kinds": list(kinds),
            "free_needed": free,
            "free_needed_fresh": fresh,
            **bed_summary(row, now),
            **_needed_freshness(row, kinds, now),
        }
        for _key, row, distance, free, fresh in ranked[:limit]
    ]


def _needed_freshness(row: HospitalRow, kinds: tuple[str, ...], now) -> dict:
    """The oldest figure among the needed kinds the hospital reports: how old the
    beds the ranking relied on are (the console's "Diperbarui")."""
    times = [row.beds[k]["reported_at"] for k in kinds if k in row.beds]
    oldest = min((t for t in times if t is not None), default=None)
    return {
        "needed_updated_at": oldest,
        "needed_stale": rules.is_stale(oldest, now),
    }


def referral_hospitals_for_district(
    *, district: Region | None, kinds: tuple[str, ...], limit: int = 3
) -> list[dict]:
    """Ranked referral hospitals for a kecamatan: from its point; without one, those
    of its kabupaten/kota, then of its province."""
    if district is None:
        return []
    point = (
        (district.latitude, district.longitude)
        if district.latitude is not None and district.longitude is not None
        else None
    )
    if point is not None:
        found = referral_hospitals_ranked(origin=point, kinds=kinds, limit=limit)
        if found:
            return found
    parts = district.code.split(".")
    for prefix in (".".join(parts[:2]), parts[0]):
        found = referral_hospitals_ranked(
            origin=None, area=f"{prefix}.", kinds=kinds, limit=limit
        )
        if found:
            return found
    return []


def bed_reports_for_facility(*, facility: Facility, limit: int = 50) -> list[BedReport]:
    return list(
        BedReport.objects.filter(facility=facility)
        .select_related("reported_by", "integrator")
        .prefetch_related("counts")
        .order_by("-reported_at", "-pk")[:limit]
    )


def bed_picture_for_facility(
    *, facility: Facility, now: dt.datetime | None = None
) -> dict | None:
    """A hospital's current picture as its staff see it: each kind as last reported,
    with its own time and staleness (None before the first report)."""
    now = now or timezone.now()
    current = BedAvailability.objects.filter(facility=facility).first()
    if current is None:
        return None
    beds = {}
    for kind in rules.BED_KINDS:
        entry = current.beds.get(kind)
        if entry is None:
            continue
        at = rules.kind_reported_at(entry) or current.reported_at
        beds[kind] = {
            "total": entry["total"],
            "free": entry["free"],
            "reported_at": at,
            "stale": rules.is_stale(at, now),
        }
    return {
        "reported_at": current.reported_at,
        "stale": not beds or any(v["stale"] for v in beds.values()),
        "oxygen_days": float(current.oxygen_days)
        if current.oxygen_days is not None
        else None,
        "oxygen_reported_at": current.oxygen_reported_at,
        "beds": beds,
    }


OCCUPANCY_LOOKBACK = dt.timedelta(days=7)
OCCUPANCY_MAX_DAYS = 92


def occupancy_daily(
    *, area: Region, date_from: dt.date, date_to: dt.date, kind: str | None = None
) -> list[dict]:
    """BOR per kabupaten/kota and day: each hospital counts each kind with its last
    reported figure before the end of that (local) day, if that figure is at most 7
    days old (a report of one kind leaves the others as they were);
    `stale_hospitals` says how many hospitals had a counted figure over 24 h old."""
    prefix = area.code + "."
    facilities = Facility.objects.filter(
        kind=Facility.Kind.HOSPITAL, is_active=True
    ).filter(district__code__startswith=prefix)
    regencies = {
        r.code: r
        for r in Region.objects.filter(
            level=Region.Level.REGENCY,
            code__in={
                ".".join(c.split(".")[:2])
                for c in facilities.values_list("district_id", flat=True)
            },
        )
    }
    tz = area.tz
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz) - OCCUPANCY_LOOKBACK
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    counts = BedCount.objects.filter(
        report__facility__in=facilities,
        report__reported_at__gte=start,
        report__reported_at__lt=end,
    )
    if kind:
        counts = counts.filter(kind=kind)
    figures = list(
        counts.order_by("report__reported_at", "report_id").values_list(
            "report__facility_id",
            "report__facility__district_id",
            "report__reported_at",
            "kind",
            "total",
            "free",
        )
    )
    out = []
    day = date_from
    cursor = 0
    # facility -> (district, {kind: (total, free, reported_at)})
    last: dict[int, tuple[str, dict]] = {}
    while day <= date_to:
        day_end = dt.datetime.combine(
            day + dt.timedelta(days=1), dt.time.min, tzinfo=tz
        )
        while cursor < len(figures) and figures[cursor][2] < day_end:
            fid, district, at, k, total, free = figures[cursor]
            last.setdefault(fid, (district, {}))[1][k] = (total, free, at)
            cursor += 1
        per_regency: dict[str, dict] = {}
        for district, kinds in last.values():
            counted = [
                (total, free, at)
                for total, free, at in kinds.values()
                if day_end - at <= OCCUPANCY_LOOKBACK
            ]
            if not counted:
                continue
            code = ".".join(district.split(".")[:2])
            agg = per_regency.setdefault(
                code, {"total": 0, "free": 0, "hospitals": 0, "stale": 0}
            )
            agg["hospitals"] += 1
            agg["stale"] += any(rules.is_stale(at, day_end) for _t, _f, at in counted)
            agg["total"] += sum(total for total, _f, _at in counted)
            agg["free"] += sum(free for _t, free, _at in counted)
        for code in sorted(per_regency):
            agg = per_regency[code]
            region = regencies.get(code)
            out.append(
                {
                    "date": day.isoformat(),
                    "regency": {"code": code, "name": region.name if region else ""},
                    "total": agg["total"],
                    "occupied": agg["total"] - agg["free"],
                    "free": agg["free"],
                    "bor": rules.occupancy(agg["total"], agg["free"]),
                    "hospitals_reporting": agg["hospitals"],
                    "stale_hospitals": agg["stale"],
                }
            )
        day += dt.timedelta(days=1)
    return out
