"""Writes for risk areas: boundary import, region coordinates, zoning rule changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from core.areas import geo
from core.areas import search as area_search
from core.areas.cache import areas_cache_bump
from core.areas.error_codes import AreaErrorCode
from core.areas.models import AreaBoundary, AreaDailyFigure, BoundaryImport, ZoneRule
from core.areas.rules import level_of, parse_code
from core.exceptions import ApplicationError
from core.models import Region

logger = logging.getLogger(__name__)

BATCH = 500


# --- Boundaries ------------------------------------------------------------------------------


@dataclass
class BoundaryImportResult:
    features: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: int = 0
    merged_duplicates: int = 0
    unmatched_codes: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"index", "code", "reason"}
    regions_located: int = 0
    run_id: int | None = None
    same_file: bool = False  # the last import read this very file; nothing to redo


def _fingerprint(wkb: bytes, name: str) -> str:
    return hashlib.sha256(wkb + name.encode()).hexdigest()[:32]


@transaction.atomic
def boundaries_import(
    *,
    path: str | Path,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> BoundaryImportResult:
    """Import kecamatan boundaries from a GeoJSON FeatureCollection (plain or gzip).

    Invalid geometries are repaired (make_valid), never dropped; a code that appears
    twice is merged into one geometry; codes without a Region row are stored all the
    same and reported. Re-importing the same file changes nothing; when the last
    import read a byte-identical file and its rows are intact, only region links and
    coordinates are refreshed (unless `force`)."""
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(
            f"File not found: {path}", code=AreaErrorCode.FILE_NOT_FOUND
        )
    started = timezone.now()
    result = BoundaryImportResult()
    sha256 = geo.file_sha256(path)
    last = None if force else _last_import_of(sha256)
    if last is not None:
        return _same_file(last, result)
    features = _features_read(path)
    result.features = len(features)
    by_code = _features_by_code(features, result, progress)

    run = BoundaryImport.objects.create(
        source=path.name, sha256=sha256, started_at=started
    )
    to_create, to_update = _boundary_rows(by_code, run, result)
    _boundaries_write(to_create, to_update, result)
    # Region rows loaded after an earlier import get linked now.
    result.regions_located = _link_regions()
    result.unmatched_codes.sort()
    _run_finish(run, result)
    geo.invalidate()
    transaction.on_commit(areas_cache_bump)
    return result


def _last_import_of(sha256: str) -> BoundaryImport | None:
    """The last finished import, when it read this very file and its rows are intact."""
    last = (
        BoundaryImport.objects.filter(finished_at__isnull=False).order_by("-id").first()
    )
    if (
        last is not None
        and last.sha256 == sha256
        and AreaBoundary.objects.count() == last.created + last.updated + last.unchanged
    ):
        return last
    return None


def _features_read(path: Path) -> list:
    try:
        with geo.open_geojson(path) as fh:
            return list(geo.read_features(fh))
    except (ValueError, OSError, EOFError) as exc:
        raise ApplicationError(str(exc), code=AreaErrorCode.INVALID_GEOJSON) from exc


def _features_by_code(
    features: list,
    result: BoundaryImportResult,
    progress: Callable[[int], None] | None,
) -> dict[str, dict]:
    """One repaired geometry per kecamatan code; what cannot be read is skipped."""
    by_code: dict[str, dict] = {}
    for feature in features:
        if progress:
            progress(1)
        if feature.error:
            result.skipped.append(
                {"index": feature.index, "code": feature.code, "reason": feature.error}
            )
            continue
        code = parse_code(feature.code or "")
        if not code or level_of(code) != 3:
            result.skipped.append(
                {
                    "index": feature.index,
                    "code": feature.code,
                    "reason": "not a kecamatan code",
                }
            )
            continue
        geometry, repaired = geo.repair(feature.geometry)
        result.repaired += int(repaired)
        if code in by_code:
            # The same kecamatan in two pieces: keep both as one geometry.
            merged, _ = geo.repair(
                shapely.union_all([by_code[code]["geometry"], geometry])
            )
            by_code[code]["geometry"] = merged
            by_code[code]["centroid"] = None
            result.merged_duplicates += 1
            continue
        by_code[code] = {
            "name": feature.name,
            "geometry": geometry,
            "centroid": feature.centroid,
            "repaired": repaired,
        }
    return by_code


def _boundary_rows(
    by_code: dict[str, dict], run: BoundaryImport, result: BoundaryImportResult
) -> tuple[list[AreaBoundary], list[AreaBoundary]]:
    """The boundaries to create and to update (an unchanged one is only counted)."""
    existing = dict(AreaBoundary.objects.values_list("code", "fingerprint"))
    known_regions = set(
        Region.objects.filter(code__in=list(by_code)).values_list("code", flat=True)
    )
    now = timezone.now()
    to_create: list[AreaBoundary] = []
    to_update: list[AreaBoundary] = []
    for code, item in by_code.items():
        geometry = item["geometry"]
        wkb = shapely.to_wkb(geometry)
        fingerprint = _fingerprint(wkb, item["name"])
        if code not in known_regions:
            result.unmatched_codes.append(code)
        if existing.get(code) == fingerprint:
            result.unchanged += 1
            continue
        c_lng, c_lat = _centroid(geometry, item["centroid"])
        min_lng, min_lat, max_lng, max_lat = geometry.bounds
        row = AreaBoundary(
            code=code,
            name=item["name"],
            region_id=code if code in known_regions else None,
            geometry=wkb,
            geometry_mid=shapely.to_wkb(geo.simplified(geometry, geo.MID_TOLERANCE)),
            geometry_low=shapely.to_wkb(geo.simplified(geometry, geo.LOW_TOLERANCE)),
            min_lng=min_lng,
            min_lat=min_lat,
            max_lng=max_lng,
            max_lat=max_lat,
            centroid_lat=round(c_lat, 6),
            centroid_lng=round(c_lng, 6),
            area_km2=round(geo.area_km2(geometry), 3),
            repaired=item["repaired"],
            fingerprint=fingerprint,
            source=run,
            updated_at=now,
        )
        (to_update if code in existing else to_create).append(row)
    return to_create, to_update


def _centroid(geometry, from_file: tuple[float, float] | None) -> tuple[float, float]:
    """(lng, lat): the file's centroid when it is plausible (a concave kecamatan may
    have its centroid just outside), else one computed here."""
    if from_file and geometry.distance(shapely.Point(from_file)) < 0.05:
        return from_file[0], from_file[1]
    point = (
        geometry.centroid
        if geometry.contains(geometry.centroid)
        else (geometry.point_on_surface())
    )
    return point.x, point.y


def _boundaries_write(
    to_create: list[AreaBoundary],
    to_update: list[AreaBoundary],
    result: BoundaryImportResult,
) -> None:
    fields = [f.name for f in AreaBoundary._meta.concrete_fields if not f.primary_key]
    for i in range(0, len(to_create), BATCH):
        AreaBoundary.objects.bulk_create(to_create[i : i + BATCH])
    for i in range(0, len(to_update), BATCH):
        AreaBoundary.objects.bulk_update(to_update[i : i + BATCH], fields)
    result.created, result.updated = len(to_create), len(to_update)


def _run_finish(run: BoundaryImport, result: BoundaryImportResult) -> None:
    run.features = result.features
    run.created, run.updated, run.unchanged = (
        result.created,
        result.updated,
        result.unchanged,
    )
    run.repaired = result.repaired
    run.unmatched_codes = result.unmatched_codes
    run.skipped = result.skipped[:1000]
    run.finished_at = timezone.now()
    run.save()
    result.run_id = run.pk


def _link_regions() -> int:
    """Boundaries whose Region row arrived after their import get linked, and regions
    get coordinates. Returns how many regions changed coordinates."""
    AreaBoundary.objects.filter(
        region__isnull=True,
        code__in=Region.objects.filter(level=Region.Level.DISTRICT).values("code"),
    ).update(region_id=F("code"))
    return regions_locate()


def _same_file(
    last: BoundaryImport, result: BoundaryImportResult
) -> BoundaryImportResult:
    result.same_file = True
    result.features = last.features
    result.unchanged = last.created + last.updated + last.unchanged
    result.repaired = last.repaired
    result.skipped = list(last.skipped)
    result.regions_located = _link_regions()
    result.unmatched_codes = sorted(
        AreaBoundary.objects.filter(region__isnull=True).values_list("code", flat=True)
    )
    result.run_id = last.pk
    return result


def regions_locate() -> int:
    """Give regions coordinates: a kecamatan its boundary's centroid, a kabupaten/kota
    and a provinsi the area-weighted mean of their kecamatan centroids (the centroid of
    the union, since kecamatan do not overlap). Returns how many regions changed."""
    rows = list(
        AreaBoundary.objects.filter(region__isnull=False).values_list(
            "code", "centroid_lat", "centroid_lng", "area_km2"
        )
    )
    coords: dict[str, tuple[float, float]] = {}
    sums: dict[str, list[float]] = {}
    for code, lat, lng, area in rows:
        coords[code] = (lat, lng)
        weight = area or 1e-6
        for parent in (code[:5], code[:2]):
            acc = sums.setdefault(parent, [0.0, 0.0, 0.0])
            acc[0] += lat * weight
            acc[1] += lng * weight
            acc[2] += weight
    for parent, (lat_w, lng_w, weight) in sums.items():
        coords[parent] = (round(lat_w / weight, 6), round(lng_w / weight, 6))
    regions = list(
        Region.objects.filter(code__in=list(coords)).only(
            "code", "latitude", "longitude"
        )
    )
    changed = []
    for region in regions:
        lat, lng = coords[region.code]
        if region.latitude != lat or region.longitude != lng:
            region.latitude, region.longitude = lat, lng
            changed.append(region)
    Region.objects.bulk_update(changed, ["latitude", "longitude"], batch_size=BATCH)
    return len(changed)


# --- Zoning rules ----------------------------------------------------------------------------


def zone_rule_for(
    date: dt.date, rules: list[ZoneRule] | None = None
) -> ZoneRule | None:
    """The rule in force on `date`: the enabled rule with the latest start on or before it."""
    if rules is None:
        return (
            ZoneRule.objects.filter(is_enabled=True, effective_from__lte=date)
            .order_by("-effective_from")
            .first()
        )
    current = None
    for rule in rules:
        if rule.is_enabled and rule.effective_from <= date:
            if current is None or rule.effective_from > current.effective_from:
                current = rule
    return current


@transaction.atomic
def zone_rule_save(*, rule: ZoneRule) -> ZoneRule:
    """Save a rule from the admin. A rule that has judged zones keeps its thresholds
    (add a new version instead); start date and enabled flag may change. Zones from the
    earliest affected day on are recomputed after commit."""
    previous = ZoneRule.objects.filter(pk=rule.pk).first() if rule.pk else None
    if previous and AreaDailyFigure.objects.filter(zone_rule=previous).exists():
        frozen = ("version", "name", "metric", "thresholds")
        if any(getattr(previous, f) != getattr(rule, f) for f in frozen):
            raise ApplicationError(
                "Aturan ini sudah menilai zona; buat versi baru alih-alih mengubahnya.",
                code=AreaErrorCode.RULE_IN_USE,
                fields={"thresholds": "Aturan yang sudah dipakai tidak boleh diubah."},
            )
    rule.full_clean()
    rule.save()
    since = min(
        d for d in (rule.effective_from, previous and previous.effective_from) if d
    )

    def apply() -> None:
        from core.areas.tasks import apply_zone_rules

        apply_zone_rules.delay(since.isoformat())

    transaction.on_commit(apply)
    transaction.on_commit(areas_cache_bump)
    return rule


@transaction.atomic
def zone_rules_changed(*, since: dt.date) -> int:
    """After a rule was added, enabled/disabled or its start date moved: every
    kelurahan with figures from `since` on is queued for recomputation, so zones from
    that day use the rule now in force (earlier days keep theirs). Returns the count."""
    codes = list(
        AreaDailyFigure.objects.filter(level=Region.Level.VILLAGE, date__gte=since)
        .values("region_id")
        .annotate(first=Min("date"))
        .values_list("region_id", "first")
    )
    from core.cases.figures import dirty_mark

    dirty_mark({code: first for code, first in codes})
    from core.cases.figures import schedule_recompute

    schedule_recompute()
    return len(codes)


def search_invalidate() -> None:
    area_search.invalidate()


__all__ = [
    "BoundaryImportResult",
    "boundaries_import",
    "regions_locate",
    "zone_rule_for",
    "zone_rule_save",
    "zone_rules_changed",
]
