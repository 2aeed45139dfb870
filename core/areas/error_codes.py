"""Every error code the risk-area package answers with (`{"error": {"code": …}}`)."""

from __future__ import annotations

from enum import StrEnum


class AreaErrorCode(StrEnum):
    AREA_NOT_FOUND = "area_not_found"
    BOUNDARIES_NOT_LOADED = "boundaries_not_loaded"
    FILE_NOT_FOUND = "file_not_found"
    INVALID_AREA = "invalid_area"
    INVALID_GEOJSON = "invalid_geojson"
    INVALID_LEVEL = "invalid_level"
    INVALID_RANGE = "invalid_range"
    NO_BOUNDARY = "no_boundary"
    OUTSIDE_INDONESIA = "outside_indonesia"
    QUERY_TOO_SHORT = "query_too_short"
    RANGE_TOO_LONG = "range_too_long"
    RULE_IN_USE = "rule_in_use"
    WITHIN_REQUIRED = "within_required"
