"""Reads for risk areas. Public data (aggregates only): no actor scoping needed.
Public names are re-exported here."""

from __future__ import annotations

from core.areas.selectors.geojson import (
    area_geojson,
)
from core.areas.selectors.locate import (
    area_distance_m,
    area_locate,
    area_located_detail,
    area_search,
    boundary_ref,
)
from core.areas.selectors.regions import (
    local_today,
    region_find,
    region_get,
    region_get_regency_or_province,
    region_parents,
    region_ref,
    region_require_regency_or_province,
)
from core.areas.selectors.state import (
    MAX_HISTORY_DAYS,
    area_children,
    area_detail,
    area_history,
    area_state,
    enabled_zone_rules,
    history_range,
    public_count,
    public_figures,
    zone_payload,
)

__all__ = [
    "MAX_HISTORY_DAYS",
    "area_children",
    "area_detail",
    "area_geojson",
    "area_history",
    "area_distance_m",
    "area_locate",
    "area_located_detail",
    "area_search",
    "area_state",
    "boundary_ref",
    "enabled_zone_rules",
    "history_range",
    "local_today",
    "public_count",
    "public_figures",
    "region_find",
    "region_get",
    "region_get_regency_or_province",
    "region_require_regency_or_province",
    "region_parents",
    "region_ref",
    "zone_payload",
]
