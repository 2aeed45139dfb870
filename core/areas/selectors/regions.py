"""Areas by code: the region, its parents and reference, and its local today."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.areas import rules as area_rules
from core.areas.error_codes import AreaErrorCode
from core.exceptions import ApplicationError, NotFound
from core.models import Region
from core.rules import zoneinfo_for_region


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
    return region_require_regency_or_province(region_get(code))


def region_require_regency_or_province(region: Region) -> Region:
    """`region` itself when it is a province or kabupaten/kota, else 400 invalid_area."""
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
