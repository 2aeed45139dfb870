"""Reads for the public map (/peta/): shapes per level, zones of a day, an area's card
and summary series. Public aggregates only; small numbers go through
`selectors.public_figures` like every other surface.

Shapes: kecamatan come from the boundary file (AreaBoundary); kabupaten/kota and
provinsi are the union of their kecamatan, simplified per level. They are built once per
boundary version and kept gzipped in the shared cache (`map_shapes_warm` after an
import; otherwise the first request builds them).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import threading
import time
from collections import defaultdict

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db.models import Min, Sum

from core.areas import geo
from core.areas import rules as area_rules
from core.areas.error_codes import AreaErrorCode
from core.areas.models import AreaBoundary, AreaDailyFigure
from core.areas.selectors import (
    area_history,
    area_state,
    enabled_zone_rules,
    local_today,
    public_figures,
    region_parents,
    region_ref,
)
from core.areas.selectors.suppression import day_marks, suppression_marks
from core.areas.services import zone_rule_for
from core.cases.rules import FIGURES
from core.exceptions import ApplicationError
from core.i18n import pick
from core.models import Facility, Region

# Per level: source column, union?, simplification tolerance (degrees), digits kept.
# ~1 km is invisible at national zoom; kecamatan keep ~100 m for zoom 10-13.
SHAPE_SPEC = {
    1: ("geometry_low", 0.02, 3),
    2: ("geometry_low", 0.008, 3),
    3: ("geometry_mid", 0.0, 4),
}
HISTORY_DAYS = 90
# Part of the cache key: bump when the way shapes are built changes.
SHAPES_REV = 3
SERIES_FIGURES = ("new_confirmed", "active_confirmed")

_lock = threading.Lock()
_local: dict[str, tuple[bytes, str]] = {}
_version_memo: tuple[str, float] | None = None


def boundaries_version() -> str:
    """geo.database_version, read at most every SIGAP_AREAS_INDEX_CHECK_SECONDS."""
    global _version_memo
    now = time.monotonic()
    if _version_memo is not None and _version_memo[1] > now:
        return _version_memo[0]
    version = hashlib.sha1(geo.database_version().encode()).hexdigest()[:12]
    _version_memo = (version, now + settings.SIGAP_AREAS_INDEX_CHECK_SECONDS)
    return version


def map_local_reset(*, shapes: bool = False) -> None:
    """Re-read the boundary version next time (tests); `shapes` also drops this
    process's built shapes (they are keyed by that version, so never stale)."""
    global _version_memo
    _version_memo = None
    if shapes:
        _local.clear()


# --- Shapes --------------------------------------------------------------------------------------


def _names(level: int, codes) -> dict[str, str]:
    return dict(
        Region.objects.filter(level=level, code__in=list(codes)).values_list(
            "code", "name"
        )
    )


SLIVER_DEG2 = 0.0003  # ~3.7 km2: smaller holes are gaps between kecamatan, not enclaves


def _without_slivers(geometry):
    """Drop the small holes a union of simplified neighbours leaves behind (a real
    enclave, such as a kota inside its kabupaten, is larger and stays)."""
    polygons = getattr(geometry, "geoms", [geometry])
    kept = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        holes = [
            ring
            for ring in polygon.interiors
            if shapely.Polygon(ring).area >= SLIVER_DEG2
        ]
        kept.append(shapely.Polygon(polygon.exterior, holes))
    return shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]


def _shape_rows(level: int, within: str | None) -> list[tuple[str, str, object]]:
    column = SHAPE_SPEC[level][0]
    qs = AreaBoundary.objects.order_by("code")
    if within:
        qs = qs.filter(code__startswith=within + ".") | qs.filter(code=within)
    rows = list(qs.values_list("code", "name", column).iterator(chunk_size=1000))
    if not rows:
        return []
    geometries = shapely.from_wkb([bytes(r[2]) for r in rows])
    if level == 3:
        return [(c, n, g) for (c, n, _), g in zip(rows, geometries, strict=True)]
    width = 2 if level == 1 else 5
    groups: dict[str, list] = defaultdict(list)
    for (code, _, _), geometry in zip(rows, geometries, strict=True):
        groups[code[:width]].append(geometry)
    names = _names(level, groups)
    out = []
    tolerance = SHAPE_SPEC[level][1]
    for code, parts in sorted(groups.items()):
        # A hair of buffer closes the slivers between independently simplified
        # neighbours, so a kabupaten has no false holes.
        merged = shapely.union_all(shapely.buffer(parts, 0.0015, quad_segs=1))
        merged = geo.simplified(_without_slivers(merged), tolerance)
        out.append((code, names.get(code, code), merged))
    return out


def _kecamatan_counts(level: int) -> dict[str, int]:
    """Kecamatan per provinsi or kabupaten/kota: the map budgets what it draws at once
    by them, and fetches a provinsi's kecamatan in one file when most are in view."""
    width = 2 if level == 1 else 5
    counts: dict[str, int] = defaultdict(int)
    for code in AreaBoundary.objects.values_list("code", flat=True).iterator(
        chunk_size=5000
    ):
        counts[code[:width]] += 1
    return counts


def _shapes_geojson(level: int, within: str | None) -> dict:
    digits = SHAPE_SPEC[level][2]
    counts = _kecamatan_counts(level) if level < 3 else {}
    features = []
    for code, name, geometry in _shape_rows(level, within):
        geometry = shapely.transform(geometry, lambda xy: np.round(xy, digits))
        properties = {"code": code, "name": name, "level": level}
        if level < 3:
            properties["kecamatan"] = counts.get(code, 0)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": shapely.geometry.mapping(geometry),
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def map_shapes(level: int, within: str | None = None) -> tuple[bytes, str]:
    """Gzipped GeoJSON of one level (kecamatan: within a kabupaten/kota or provinsi)
    and its ETag, built once per boundary version."""
    if level not in SHAPE_SPEC:
        raise ApplicationError(
            "Unknown level.",
            code=AreaErrorCode.INVALID_LEVEL,
            fields={"level": "1, 2 atau 3."},
        )
    if level == 3 and not within:
        raise ApplicationError(
            "Kecamatan shapes are served per kabupaten/kota or provinsi.",
            code=AreaErrorCode.WITHIN_REQUIRED,
            fields={"within": "Kode kabupaten/kota atau provinsi."},
        )
    key = f"map:shapes:{SHAPES_REV}:{boundaries_version()}:{level}:{within or ''}"
    entry = _local.get(key)
    if entry is not None:
        return entry
    entry = cache.get(key)
    if entry is None:
        with _lock:  # one build per process at a time: a union is CPU-heavy
            entry = cache.get(key)
            if entry is None:
                body = json.dumps(
                    _shapes_geojson(level, within),
                    ensure_ascii=False,
                    separators=(",", ":"),
                ).encode()
                entry = (
                    gzip.compress(body, 6, mtime=0),
                    '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
                )
                cache.set(key, entry, timeout=None)
    if len(_local) > 2000:
        _local.clear()
    _local[key] = entry
    return entry


def map_shapes_warm() -> dict[int, int]:
    """Build the national layers (after a boundary import); returns their sizes."""
    return {level: len(map_shapes(level)[0]) for level in (1, 2)}


# --- Zones of a day ------------------------------------------------------------------------------


def _rule_ref(rule) -> dict | None:
    if rule is None:
        return None
    return {
        "version": rule.version,
        "name": rule.name,
        "effective_from": rule.effective_from,
    }


def map_timeline() -> dict:
    """The days the slider covers and the rules that judged them."""
    first = AreaDailyFigure.objects.aggregate(m=Min("date"))["m"]
    today = local_today()
    return {
        "first_date": min(first, today) if first else today,
        "today": today,
        "rules": [_rule_ref(r) for r in enabled_zone_rules()],
    }


def _within_filter(qs, within: str | None):
    if within:
        low, high = area_rules.descendant_range(within)
        return qs.filter(region_id__gte=low, region_id__lt=high)
    return qs


def map_zones(*, level: int, date: dt.date, within: str | None = None) -> dict:
    """Zone and households (published form) of every area of a level on a day.
    Areas absent from `zones` are hijau when a rule was in force (`default`)."""
    if level not in (1, 2, 3, 4):
        raise ApplicationError(
            "Unknown level.",
            code=AreaErrorCode.INVALID_LEVEL,
            fields={"level": "1 sampai 4."},
        )
    rule = zone_rule_for(date, enabled_zone_rules())
    rows = _within_filter(
        AreaDailyFigure.objects.filter(level=level, date=date), within
    ).values_list("region_id", "zone", "households_confirmed_7d", "active_confirmed")
    marks = day_marks(date)
    zones = {}
    for code, zone, h, a in rows:
        hidden = marks.get(code, {})
        zones[code] = [
            zone or None,
            hidden.get("households_confirmed_7d", h),
            hidden.get("active_confirmed", a),
        ]
    return {
        "date": date,
        "level": level,
        "rule": _rule_ref(rule),
        "default": "hijau" if rule else None,
        "columns": ["zone", "households_confirmed_7d", "active_confirmed"],
        "zones": zones,
    }


# --- An area's card ------------------------------------------------------------------------------


def _hospitals(region: Region, limit: int = 3) -> list[dict]:
    from selfcheck.selectors import referral_hospitals_near

    if region.level >= Region.Level.DISTRICT:
        district = region if region.level == Region.Level.DISTRICT else region.parent
        return referral_hospitals_near(district=district, limit=limit)
    rows = (
        Facility.objects.filter(
            kind=Facility.Kind.HOSPITAL,
            is_referral=True,
            is_active=True,
            district__code__startswith=region.code + ".",
        )
        .order_by("name")
        .values("id", "name", "address", "phone", "latitude", "longitude")[:limit]
    )
    return [{**r, "distance_km": None} for r in rows]


def area_bbox(region: Region) -> list[float] | None:
    """[min_lng, min_lat, max_lng, max_lat] of the area's kecamatan boundaries."""
    from django.db.models import Max

    qs = AreaBoundary.objects.filter(
        code__startswith=region.code[:8] + "."
        if region.level > Region.Level.DISTRICT
        else region.code + "."
    ) | AreaBoundary.objects.filter(code=region.code[:8])
    box = qs.aggregate(
        a=Min("min_lng"), b=Min("min_lat"), c=Max("max_lng"), d=Max("max_lat")
    )
    return None if box["a"] is None else [box["a"], box["b"], box["c"], box["d"]]


def map_area(region: Region, *, date: dt.date, lang: str) -> dict:
    state = area_state(region, lang=lang, date=date)
    start = date - dt.timedelta(days=HISTORY_DAYS - 1)
    history = area_history(region, start=start, end=date)["days"]
    rule = zone_rule_for(date, enabled_zone_rules())
    return {
        **region_ref(region),
        "parents": [region_ref(p) for p in reversed(region_parents(region))],
        "has_children": Region.objects.filter(parent=region).exists(),
        "latitude": region.latitude,
        "longitude": region.longitude,
        "bbox": area_bbox(region),
        **state,
        "rule": _rule_ref(rule),
        "history": {
            "dates": [d["date"] for d in history],
            **{f: [d[f] for d in history] for f in SERIES_FIGURES},
            "zone": [d["zone"] for d in history],
        },
        "hospitals": _hospitals(region),
    }


# --- Summary numbers -----------------------------------------------------------------------------


def map_summary(*, region: Region | None, date: dt.date, lang: str) -> dict:
    """Figures of Indonesia (sum of the provinces) or of one area on a day, with the
    last HISTORY_DAYS days of new and active confirmed cases for a sparkline."""
    start = date - dt.timedelta(days=HISTORY_DAYS - 1)
    if region is None:
        qs = AreaDailyFigure.objects.filter(level=Region.Level.PROVINCE)
        code = area_rules.NATIONAL
        name = {"id": "Indonesia", "en": "Indonesia"}
    else:
        qs = AreaDailyFigure.objects.filter(region=region)
        code = region.code
        name = region.display_name
    per_day = {
        row["date"]: row
        for row in qs.filter(date__gte=start, date__lte=date)
        .values("date")
        .annotate(**{f: Sum(f) for f in FIGURES})
        .order_by("date")
    }
    marks = suppression_marks([*per_day, date])
    dates, series = [], {f: [] for f in SERIES_FIGURES}
    day = start
    while day <= date:
        row = per_day.get(day, {})
        hidden = marks.get(day, {}).get(code, {})
        dates.append(day)
        for f in SERIES_FIGURES:
            series[f].append(hidden.get(f, row.get(f) or 0))
        day += dt.timedelta(days=1)
    today = per_day.get(date, {})
    return {
        "code": region.code if region else None,
        "name": pick(name, lang),
        "date": date,
        "figures": public_figures(
            {f: today.get(f) or 0 for f in FIGURES}, marks[date].get(code, {})
        ),
        "series": {"dates": dates, **series},
    }


def zone_label(zone: str | None, lang: str) -> str | None:
    return pick(area_rules.ZONE_LABELS[zone], lang) if zone else None
