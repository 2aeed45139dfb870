"""Finding an area: by GPS point (the kecamatan boundaries) and by name."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from core.areas import geo
from core.areas import rules as area_rules
from core.areas.error_codes import AreaErrorCode
from core.areas.models import AreaBoundary
from core.areas.search import search_index
from core.areas.selectors.regions import (
    region_find,
    region_ref,
)
from core.areas.selectors.state import (
    area_detail,
)
from core.exceptions import ApplicationError, NotFound
from core.models import Region


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


def area_distance_m(*, code: str, lat: float, lng: float) -> float | None:
    """Metres from a point to the area `code` (its kecamatan boundaries): 0 inside;
    None without boundaries for it."""
    index = geo.boundary_index()
    if not len(index):
        return None
    return index.distance_to_area_m(code, lng, lat)


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


# --- Name search ------------------------------------------------------------------------------------


def area_search(*, q: str, level: int | None = None, limit: int = 10) -> list[dict]:
    """Ranked regions for a name or code, each with its parents."""
    query = (q or "").strip()
    if len(
        area_rules.parse_name_query(query).compact
    ) < 2 and not area_rules.parse_code(query):
        raise ApplicationError(
            "Ketik minimal 2 huruf.",
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
