"""Reads for risk areas. Public data (aggregates only): no actor scoping needed."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.areas import geo
from core.areas import rules as area_rules
from core.areas.error_codes import AreaErrorCode
from core.areas.models import AreaBoundary, AreaDailyFigure, ZoneRule
from core.areas.search import search_index
from core.areas.services import zone_rule_for
from core.cases.rules import FIGURES, zero_figures
from core.exceptions import ApplicationError, NotFound
from core.i18n import pick
from core.models import Region
from core.rules import zoneinfo_for_region

MAX_HISTORY_DAYS = 366


def local_today(code: str | None = None) -> dt.date:
    """Today in the area's local time; with no area, Western Indonesia's date (the
    national day: most people, the capital)."""
    return timezone.now().astimezone(zoneinfo_for_region(code)).date()


def region_get(code: str) -> Region:
    normalised = area_rules.parse_code(code or "")
    region = Region.objects.filter(code=normalised).first() if normalised else None
    if region is None:
        raise NotFound(
            f"Wilayah {code} tidak dikenal.", code=AreaErrorCode.AREA_NOT_FOUND
        )
    return region


def region_get_regency_or_province(code: str) -> Region:
    """A province or kabupaten/kota (figures kept per regency): anything smaller is
    400 invalid_area."""
    region = region_get(code)
    if region.level > Region.Level.REGENCY:
        raise ApplicationError(
            "Pilih provinsi atau kabupaten/kota.",
            code=AreaErrorCode.INVALID_AREA,
            fields={"area": "Provinsi atau kabupaten/kota."},
        )
    return region


def region_find(code: str) -> Region | None:
    """The region with exactly this code, or None."""
    return Region.objects.filter(code=code).first()


def region_ref(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "display_name": region.display_name,
        "level": region.level,
        "kind": region.kind,
    }


def region_parents(region: Region) -> list[Region]:
    """Ancestors, nearest first (kecamatan -> kabupaten/kota -> provinsi)."""
    codes = area_rules.parent_codes(region.code)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


# --- Zone and figures of one area on one day ----------------------------------------------------


def public_figures(figures: dict, level: int) -> dict:
    """Figures as published: the small-number rule applied (SMALL_COUNT_SUPPRESSION)."""
    return area_rules.public_counts(
        figures, level=level, enabled=settings.SMALL_COUNT_SUPPRESSION
    )


def public_count(value: int, level: int) -> int | str:
    return area_rules.public_count(
        value, level=level, enabled=settings.SMALL_COUNT_SUPPRESSION
    )


def _rules() -> list[ZoneRule]:
    return list(ZoneRule.objects.filter(is_enabled=True).order_by("effective_from"))


def _zone_payload(
    region: Region,
    row: AreaDailyFigure | None,
    date: dt.date,
    lang: str,
    zone_rules,
    children: int,
) -> dict | None:
    if row is not None and row.zone:
        rule = (
            next((r for r in zone_rules if r.pk == row.zone_rule_id), None)
            or row.zone_rule
        )
        return {
            "zone": row.zone,
            "label": pick(area_rules.ZONE_LABELS[row.zone], lang),
            "level": row.zone_level,
            "rule": {"version": rule.version, "name": rule.name},
            "explanation": pick(row.explanation, lang),
            "households_confirmed_7d": public_count(
                row.households_confirmed_7d, region.level
            ),
            "children": row.zone_counts or None,
        }
    rule = zone_rule_for(date, zone_rules)
    if rule is None:
        return None
    spec = rule.spec
    if region.level == Region.Level.VILLAGE:
        explanation = area_rules.explain_zone(
            zone="hijau",
            households=0,
            thresholds=spec.thresholds,
            rule_name=spec.name,
            version=spec.version,
        )
        counts = None
    else:
        result = area_rules.rollup([], children_total=children)
        counts = result.counts
        explanation = area_rules.explain_rollup(
            result=result,
            households=0,
            parent_level=region.level,
            rule_name=spec.name,
            version=spec.version,
        )
    return {
        "zone": "hijau",
        "label": pick(area_rules.ZONE_LABELS["hijau"], lang),
        "level": 0,
        "rule": {"version": rule.version, "name": rule.name},
        "explanation": pick(explanation, lang),
        "households_confirmed_7d": 0,
        "children": counts,
    }


def area_state(region: Region, *, lang: str, date: dt.date | None = None) -> dict:
    """Figures and zone of an area on a day (today in the area's time zone)."""
    date = date or local_today(region.code)
    row = (
        AreaDailyFigure.objects.select_related("zone_rule")
        .filter(region=region, date=date)
        .first()
    )
    children = 0
    if row is None and region.level < Region.Level.VILLAGE:
        children = Region.objects.filter(parent=region).count()
    figures = {f: getattr(row, f) for f in FIGURES} if row else zero_figures()
    return {
        "date": date,
        "figures": public_figures(figures, region.level),
        "zone": _zone_payload(region, row, date, lang, _rules(), children),
    }


def area_detail(region: Region, *, lang: str) -> dict:
    boundary = AreaBoundary.objects.filter(code=region.code).only("area_km2").first()
    return {
        **region_ref(region),
        "timezone": region.timezone,
        "latitude": region.latitude,
        "longitude": region.longitude,
        "area_km2": boundary.area_km2 if boundary else None,
        "has_boundary": boundary is not None,
        "parents": [region_ref(p) for p in region_parents(region)],
        **area_state(region, lang=lang),
    }


def area_children(region: Region, *, lang: str) -> list[dict]:
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    date = local_today(region.code)
    rows = {
        r.region_id: r
        for r in AreaDailyFigure.objects.filter(region__in=children, date=date)
    }
    grandchildren: dict[str, int] = {}
    if region.level < Region.Level.DISTRICT:
        for code in Region.objects.filter(parent__in=children).values_list(
            "parent_id", flat=True
        ):
            grandchildren[code] = grandchildren.get(code, 0) + 1
    zone_rules = _rules()
    out = []
    for child in children:
        row = rows.get(child.code)
        out.append(
            {
                **region_ref(child),
                "latitude": child.latitude,
                "longitude": child.longitude,
                "date": date,
                "figures": public_figures(
                    {f: getattr(row, f) for f in FIGURES} if row else zero_figures(),
                    child.level,
                ),
                "zone": _zone_payload(
                    child, row, date, lang, zone_rules, grandchildren.get(child.code, 0)
                ),
            }
        )
    return out


def history_range(
    region: Region, *, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The days asked for: default the last 30 days, at most MAX_HISTORY_DAYS."""
    end = end or local_today(region.code)
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise ApplicationError(
            "'from' is after 'to'.",
            code=AreaErrorCode.INVALID_RANGE,
            fields={"from": "Harus sebelum 'to'."},
        )
    if (end - start).days + 1 > MAX_HISTORY_DAYS:
        raise ApplicationError(
            f"At most {MAX_HISTORY_DAYS} days per request.",
            code=AreaErrorCode.RANGE_TOO_LONG,
            fields={"from": f"Rentang paling panjang {MAX_HISTORY_DAYS} hari."},
        )
    return start, end


def area_history(region: Region, *, start: dt.date, end: dt.date) -> dict:
    """Daily figures and zone from `start` to `end` (both included), every day present."""
    rows = {
        r.date: r
        for r in AreaDailyFigure.objects.select_related("zone_rule").filter(
            region=region, date__gte=start, date__lte=end
        )
    }
    zone_rules = _rules()
    days = []
    date = start
    while date <= end:
        row = rows.get(date)
        if row is not None:
            zone = row.zone or None
            version = row.zone_rule.version if row.zone_rule_id else None
        else:
            rule = zone_rule_for(date, zone_rules)
            zone = "hijau" if rule else None
            version = rule.version if rule else None
        days.append(
            {
                "date": date,
                **public_figures(
                    {f: getattr(row, f) for f in FIGURES} if row else zero_figures(),
                    region.level,
                ),
                "zone": zone,
                "rule_version": version,
            }
        )
        date += dt.timedelta(days=1)
    return {"code": region.code, "from": start, "to": end, "days": days}


# --- GPS lookup -----------------------------------------------------------------------------------


def area_locate(*, lat: float, lng: float) -> geo.Hit:
    """The kecamatan at a point (or within SIGAP_AREAS_APPROX_METERS of it, or the
    archipelago kecamatan around a small island within SIGAP_AREAS_ISLAND_METERS)."""
    if not geo.in_indonesia(lng, lat):
        raise NotFound(
            "Titik ini berada di luar Indonesia.", code=AreaErrorCode.OUTSIDE_INDONESIA
        )
    index = geo.boundary_index()
    if not len(index):
        raise ApplicationError(
            "Batas kecamatan belum diimpor (manage.py import_boundaries).",
            code=AreaErrorCode.BOUNDARIES_NOT_LOADED,
            status=503,
        )
    hit = index.locate(
        lng,
        lat,
        max_distance_m=settings.SIGAP_AREAS_APPROX_METERS,
        island_distance_m=settings.SIGAP_AREAS_ISLAND_METERS,
    )
    if hit is None:
        # Neither on nor near Indonesian land, nor among an archipelago's islands:
        # the open sea or another country.
        raise NotFound(
            "Titik ini tidak berada di wilayah daratan Indonesia (laut lepas atau "
            "negara lain).",
            code=AreaErrorCode.OUTSIDE_INDONESIA,
        )
    return hit


def boundary_ref(code: str) -> dict:
    """For a boundary whose Region row is not loaded: what the boundary file said."""
    boundary = AreaBoundary.objects.filter(code=code).only("code", "name").first()
    return {
        "code": code,
        "name": boundary.name if boundary else "",
        "display_name": f"Kecamatan {boundary.name}" if boundary else code,
        "level": Region.Level.DISTRICT,
        "kind": "kecamatan",
    }


def area_located_detail(code: str, *, lang: str) -> dict:
    """The area a GPS point fell in, also when its boundary came before its Region."""
    region = region_find(code)
    if region is None:
        return {**boundary_ref(code), "parents": [], "zone": None}
    return area_detail(region, lang=lang)


# --- GeoJSON ---------------------------------------------------------------------------------------


def _geometry_for_zoom(zoom: int) -> tuple[str, int]:
    if zoom <= 8:
        return "geometry_low", 3
    if zoom <= 11:
        return "geometry_mid", 4
    return "geometry", 6


def area_geojson(region: Region, *, zoom: int, lang: str) -> dict:
    """Boundaries with zones for a map layer: a kecamatan alone, or every kecamatan
    of a kabupaten/kota or provinsi. Simplified and rounded for low zoom."""
    if region.level == Region.Level.VILLAGE:
        raise NotFound(
            "Batas kelurahan/desa tidak tersedia; gunakan kecamatannya.",
            code=AreaErrorCode.NO_BOUNDARY,
            fields={"code": region.parent_id or ""},
        )
    column, digits = _geometry_for_zoom(zoom)
    boundaries = AreaBoundary.objects.order_by("code")
    if region.level == Region.Level.DISTRICT:
        boundaries = boundaries.filter(code=region.code)
    else:
        boundaries = boundaries.filter(code__startswith=region.code + ".")
    rows = list(boundaries.values_list("code", "name", column))
    if not rows:
        raise NotFound(
            "Batas wilayah ini belum diimpor.", code=AreaErrorCode.NO_BOUNDARY
        )
    today = local_today(region.code)
    figures = {
        f.region_id: f
        for f in AreaDailyFigure.objects.filter(
            region_id__in=[r[0] for r in rows], date=today
        )
    }
    zone_rules = _rules()
    rule = zone_rule_for(today, zone_rules)
    geometries = shapely.from_wkb([bytes(r[2]) for r in rows])
    geometries = shapely.transform(geometries, lambda xy: np.round(xy, digits))
    features = []
    for (code, name, _), geometry in zip(rows, geometries, strict=True):
        row = figures.get(code)
        zone = row.zone if row else ("hijau" if rule else None)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": shapely.geometry.mapping(geometry),
                "properties": {
                    "code": code,
                    "name": name,
                    "zone": zone,
                    "zone_label": pick(area_rules.ZONE_LABELS[zone], lang)
                    if zone
                    else None,
                    "rule_version": (
                        row.zone_rule.version if row and row.zone_rule_id else None
                    )
                    or (rule.version if rule else None),
                    "households_confirmed_7d": row.households_confirmed_7d
                    if row
                    else 0,
                    "active_confirmed": row.active_confirmed if row else 0,
                    "explanation": pick(row.explanation, lang)
                    if row and row.explanation
                    else None,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "properties": {**region_ref(region), "date": today, "zoom": zoom},
        "features": features,
    }


# --- Name search ------------------------------------------------------------------------------------


def area_search(*, q: str, level: int | None = None, limit: int = 10) -> list[dict]:
    """Ranked regions for a name or code, each with its parents."""
    query = (q or "").strip()
    if len(
        area_rules.parse_name_query(query).compact
    ) < 2 and not area_rules.parse_code(query):
        raise ApplicationError(
            "Type at least 2 letters.",
            code=AreaErrorCode.QUERY_TOO_SHORT,
            fields={"q": "Minimal 2 huruf."},
        )
    digest = hashlib.sha1(area_rules.fold(query).encode()).hexdigest()
    key = f"areas:search:{digest}:{level}:{limit}"
    matches = cache.get(key)
    if matches is None:
        matches = [
            (m.code, m.score, m.how)
            for m in search_index().search(query, limit=limit, level=level)
        ]
        cache.set(key, matches, timeout=600)
    codes = [code for code, _, _ in matches]
    ancestors = {c for code in codes for c in area_rules.parent_codes(code)}
    regions = {
        r.code: r for r in Region.objects.filter(code__in=set(codes) | ancestors)
    }
    out = []
    for code, score, how in matches:
        region = regions.get(code)
        if region is None:
            continue
        out.append(
            {
                **region_ref(region),
                "parents": [
                    region_ref(regions[p])
                    for p in area_rules.parent_codes(code)
                    if p in regions
                ],
                "score": score,
                "match": how,
            }
        )
    return out
