"""An area and its children as GeoJSON, simplified for the map's zoom."""

from __future__ import annotations

import numpy as np
import shapely

from core.areas import rules as area_rules
from core.areas.error_codes import AreaErrorCode
from core.areas.models import AreaBoundary, AreaDailyFigure
from core.areas.selectors.regions import local_today, region_ref
from core.areas.selectors.state import (
    enabled_zone_rules,
)
from core.areas.selectors.suppression import (
    day_marks,
    published_zone_explanation,
)
from core.areas.services import zone_rule_for
from core.exceptions import NotFound
from core.i18n import pick
from core.models import Region


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
    zone_rules = enabled_zone_rules()
    rule = zone_rule_for(today, zone_rules)
    geometries = shapely.from_wkb([bytes(r[2]) for r in rows])
    geometries = shapely.transform(geometries, lambda xy: np.round(xy, digits))
    marks = day_marks(today)
    features = []
    for (code, name, _), geometry in zip(rows, geometries, strict=True):
        row = figures.get(code)
        hidden = marks.get(code, {})
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
                    "households_confirmed_7d": hidden.get(
                        "households_confirmed_7d",
                        row.households_confirmed_7d if row else 0,
                    ),
                    "active_confirmed": hidden.get(
                        "active_confirmed", row.active_confirmed if row else 0
                    ),
                    "explanation": pick(
                        published_zone_explanation(
                            row.explanation,
                            households=row.households_confirmed_7d,
                            marks=hidden,
                        ),
                        lang,
                    )
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
