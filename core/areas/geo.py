"""Point -> kecamatan in memory: a shapely STRtree over prepared polygons.

The index is built once per process from AreaBoundary rows and rebuilt when the
boundaries change: every SIGAP_AREAS_INDEX_CHECK_SECONDS the process compares the
index's version (latest import id + row count) with the database's. No PostGIS
needed; the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import shapely
from shapely import STRtree
from shapely.errors import GEOSException

from core.longlived import freeze_after_build

logger = logging.getLogger(__name__)

# Indonesia with a margin: a point outside this box is not in Indonesia.
INDONESIA_BBOX = (94.0, -11.8, 141.8, 6.8)  # min lng, min lat, max lng, max lat
EARTH_RADIUS_M = 6_371_008.8
METERS_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
MID_TOLERANCE = 0.001  # degrees, ~110 m
LOW_TOLERANCE = 0.01  # ~1.1 km


# Neighbours' land within an island fallback's reach of an Indonesian kecamatan, coarse
# outlines (lng, lat) that touch no kecamatan: Singapore (9-21 km from Belakang Padang)
# and Sabah's coast at Tawau (9 km from Sebatik). Land borders need nothing: the
# fallback to a farther kecamatan is for archipelago kecamatan only.
FOREIGN_LAND = {
    "SG": [
        (103.59, 1.20),
        (103.59, 1.36),
        (103.65, 1.43),
        (103.75, 1.46),
        (103.90, 1.43),
        (104.05, 1.42),
        (104.10, 1.38),
        (104.08, 1.30),
        (103.98, 1.29),
        (103.85, 1.21),
        (103.70, 1.20),
    ],
    "MY": [(117.60, 4.17), (117.60, 4.80), (118.70, 4.80), (118.70, 4.17)],
}


def in_indonesia(lng: float, lat: float) -> bool:
    min_lng, min_lat, max_lng, max_lat = INDONESIA_BBOX
    return min_lng <= lng <= max_lng and min_lat <= lat <= max_lat


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# --- Geometry repair ----------------------------------------------------------------------


def repair(geometry) -> tuple[object, bool]:
    """A valid (multi)polygon for any polygonal input, and whether it had to be
    repaired. Never gives up: make_valid, then its 'structure' method, then buffer(0)."""
    if geometry.is_valid and not geometry.is_empty:
        return geometry, False
    try:
        fixed = shapely.make_valid(geometry)
    except GEOSException:
        try:
            fixed = shapely.make_valid(
                geometry, method="structure", keep_collapsed=False
            )
        except GEOSException:
            fixed = geometry.buffer(0)
    if fixed.geom_type == "GeometryCollection":
        polygons = [
            g for g in fixed.geoms if g.geom_type in ("Polygon", "MultiPolygon")
        ]
        fixed = shapely.union_all(polygons) if polygons else fixed
    if not fixed.is_valid:
        fixed = fixed.buffer(0)
    return fixed, True


def simplified(geometry, tolerance: float):
    """Simplified for a zoomed-out map, never collapsing a small kecamatan away."""
    out = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return out if not out.is_empty else geometry


def area_km2(geometry) -> float:
    """Area on the ground, from the degree area scaled at the centroid's latitude
    (good to a fraction of a percent at Indonesia's latitudes)."""
    lat = geometry.centroid.y if not geometry.is_empty else 0.0
    scale = METERS_PER_DEGREE**2 * math.cos(math.radians(lat))
    return geometry.area * scale / 1e6


# --- Reading GeoJSON ------------------------------------------------------------------------


@dataclass
class Feature:
    index: int
    code: str | None
    name: str
    centroid: tuple[float, float] | None  # (lng, lat) if the file gives one
    geometry: object | None
    error: str = ""


def open_geojson(path: str | Path) -> IO[bytes]:
    path = Path(path)
    with path.open("rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_features(fh: IO[bytes]) -> Iterator[Feature]:
    """Features of a GeoJSON FeatureCollection; a feature that cannot be used comes
    back with `error` set (so the caller can report it with its position)."""
    try:
        data = json.load(fh)
    except (ValueError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise ValueError(f"not a readable GeoJSON file: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError("expected a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise ValueError("FeatureCollection without a 'features' list")
    for i, raw in enumerate(features):
        props = (raw or {}).get("properties") or {}
        code = str(props.get("code") or props.get("kode") or "").strip() or None
        name = str(props.get("name") or props.get("nama") or "").strip()
        centroid = props.get("centroid")
        if not (isinstance(centroid, list | tuple) and len(centroid) == 2):
            centroid = None
        feature = Feature(i, code, name, tuple(centroid) if centroid else None, None)
        if not code:
            feature.error = "feature without properties.code"
            yield feature
            continue
        try:
            geometry = shapely.geometry.shape(raw.get("geometry") or {})
        except (AttributeError, KeyError, TypeError, ValueError, GEOSException) as exc:
            feature.error = f"unreadable geometry ({exc.__class__.__name__})"
            yield feature
            continue
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            feature.error = f"geometry is {geometry.geom_type}, expected (Multi)Polygon"
            yield feature
            continue
        feature.geometry = geometry
        yield feature


# --- The index --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    code: str
    approximate: bool = False
    distance_m: float = 0.0


def _degrees(meters: float, lat: float) -> float:
    """A distance in degrees that covers `meters` in both axes at this latitude."""
    return meters / (METERS_PER_DEGREE * max(math.cos(math.radians(lat)), 0.1))


def _meters_to(point, geometry) -> float:
    line = shapely.shortest_line(point, geometry)
    (x1, y1), (x2, y2) = line.coords
    return haversine_m(x1, y1, x2, y2)


class BoundaryIndex:
    """Prepared kecamatan polygons behind two indexes: a grid of 0.1° cells holding
    the polygons that touch each cell (or the one that covers it whole) for point
    lookups without building a geometry, and an STRtree for nearest-polygon and
    vectorised queries. Read-only after construction, so safe across threads."""

    CELL = 0.1  # degrees (~11 km): a few candidates per cell in Java, build < 1 s

    def __init__(self, codes: Iterable[str], geometries: Iterable, version: str = ""):
        self.codes = list(codes)
        self.geometries = np.asarray(list(geometries), dtype=object)
        if len(self.codes) != len(self.geometries):
            raise ValueError("codes and geometries differ in length")
        # Sorted by code, so a point on a shared border resolves the same way every time.
        order = np.argsort(np.asarray(self.codes, dtype=object)) if self.codes else []
        self.codes = [self.codes[i] for i in order]
        self.geometries = self.geometries[order] if len(order) else self.geometries
        shapely.prepare(self.geometries)
        self.tree = STRtree(self.geometries)
        self.grid = self._build_grid()
        # An archipelago kecamatan's outline: the sea between its islands, where the
        # boundary file leaves out the smallest ones.
        self.hulls = shapely.convex_hull(self.geometries)
        shapely.prepare(self.hulls)
        self.archipelago = self._archipelagos()
        self.foreign = np.asarray(
            [shapely.Polygon(ring) for ring in FOREIGN_LAND.values()], dtype=object
        )
        shapely.prepare(self.foreign)
        self.version = version

    # A kecamatan is an archipelago when no single island holds 90% of its land
    # (Kepulauan Seribu, Tambelan, Bala Balakang), not a mainland one with islets.
    ARCHIPELAGO_MAIN_SHARE = 0.9

    def _archipelagos(self) -> np.ndarray:
        if not len(self.geometries):
            return np.zeros(0, dtype=bool)
        parts, owner = shapely.get_parts(self.geometries, return_index=True)
        largest = np.zeros(len(self.geometries))
        np.maximum.at(largest, owner, shapely.area(parts))
        total = shapely.area(self.geometries)
        return largest < self.ARCHIPELAGO_MAIN_SHARE * total

    def _build_grid(self) -> dict[tuple[int, int], int | np.ndarray]:
        if not len(self.geometries):
            return {}
        cell = self.CELL
        bounds = np.floor(shapely.bounds(self.geometries) / cell).astype(np.int64)
        cells: list[tuple[int, int]] = []
        owners: list[int] = []
        for i, (x0, y0, x1, y1) in enumerate(bounds):
            for cx in range(x0, x1 + 1):
                for cy in range(y0, y1 + 1):
                    cells.append((cx, cy))
                    owners.append(i)
        xy = np.asarray(cells, dtype=np.float64) * cell
        boxes = shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + cell, xy[:, 1] + cell)
        polygons = self.geometries[np.asarray(owners)]
        touches = shapely.intersects(polygons, boxes)
        covers = shapely.contains(polygons, boxes)
        grid: dict[tuple[int, int], list[int] | int] = {}
        for key, owner, cover in zip(cells, owners, covers, strict=True):
            if cover:
                grid[key] = owner  # the whole cell is this kecamatan
        for key, owner, touch in zip(cells, owners, touches, strict=True):
            if touch and not isinstance(grid.get(key), int):
                grid.setdefault(key, []).append(owner)
        return {
            key: value if isinstance(value, int) else np.asarray(sorted(value))
            for key, value in grid.items()
        }

    def __len__(self) -> int:
        return len(self.codes)

    def locate(
        self,
        lng: float,
        lat: float,
        *,
        max_distance_m: float = 0.0,
        island_distance_m: float = 0.0,
    ) -> Hit | None:
        """The kecamatan containing the point; else the nearest one within
        `max_distance_m` (approximate); else, for a point at sea, the archipelago
        kecamatan whose islands surround it or lie within `island_distance_m`
        (approximate); else None."""
        entry = self.grid.get(
            (math.floor(lng / self.CELL), math.floor(lat / self.CELL))
        )
        if entry is not None:
            if isinstance(entry, int):
                return Hit(self.codes[entry])
            inside = entry[shapely.intersects_xy(self.geometries[entry], lng, lat)]
            if len(inside):
                return Hit(self.codes[inside[0]])
        if max_distance_m <= 0:
            return None
        hit = self.nearest(lng, lat, max_distance_m=max_distance_m)
        if hit is None and island_distance_m > max_distance_m:
            hit = self.nearest_island(lng, lat, max_distance_m=island_distance_m)
        return hit

    def distance_to_area_m(self, code: str, lng: float, lat: float) -> float | None:
        """Metres from the point to the nearest kecamatan within `code` (a kab/kota
        or provinsi; a kecamatan itself): 0 inside; None when none is loaded."""
        start = bisect.bisect_left(self.codes, code)
        end = bisect.bisect_left(self.codes, code + "/")  # "." < "/": code's subtree
        if start >= end:
            return None
        point = shapely.Point(lng, lat)
        geometries = self.geometries[start:end]
        if shapely.intersects_xy(geometries, lng, lat).any():
            return 0.0
        return min(_meters_to(point, g) for g in geometries)

    def nearest(self, lng: float, lat: float, *, max_distance_m: float) -> Hit | None:
        # Degrees of longitude shrink with latitude: search wide enough in both axes.
        reach = _degrees(max_distance_m, lat)
        point = shapely.Point(lng, lat)
        candidates = self.tree.query(point, predicate="dwithin", distance=reach)
        best: Hit | None = None
        for i in sorted(candidates):
            meters = _meters_to(point, self.geometries[i])
            if meters <= max_distance_m and (best is None or meters < best.distance_m):
                best = Hit(self.codes[i], approximate=True, distance_m=round(meters, 1))
        return best

    def nearest_island(
        self, lng: float, lat: float, *, max_distance_m: float
    ) -> Hit | None:
        """A point at sea near islands the boundary file leaves out: the nearest
        kecamatan (one STRtree nearest query) if it is an archipelago whose outline
        holds the point or whose islands are within `max_distance_m`, and the point
        is not on a neighbour's land."""
        point = shapely.Point(lng, lat)
        nearest = self.tree.query_nearest(
            point, max_distance=_degrees(max_distance_m, lat)
        )
        if not len(nearest):
            return None
        i = int(min(nearest))
        meters = _meters_to(point, self.geometries[i])
        inside_outline = shapely.intersects_xy(self.hulls[i], lng, lat)
        if not inside_outline and not (
            self.archipelago[i] and meters <= max_distance_m
        ):
            return None
        if shapely.intersects_xy(self.foreign, lng, lat).any():
            return None
        return Hit(self.codes[i], approximate=True, distance_m=round(meters, 1))

    def locate_many(self, lngs: np.ndarray, lats: np.ndarray) -> list[str | None]:
        """Vectorised containment for many points (bulk geocoding, the benchmark)."""
        points = shapely.points(lngs, lats)
        point_idx, tree_idx = self.tree.query(points)
        inside = shapely.intersects_xy(
            self.geometries[tree_idx], lngs[point_idx], lats[point_idx]
        )
        out: list[str | None] = [None] * len(lngs)
        for p, t in zip(point_idx[inside][::-1], tree_idx[inside][::-1], strict=True):
            out[p] = self.codes[t]  # reversed: the lowest code wins on shared borders
        return out


# --- The process-wide index ---------------------------------------------------------------------

_lock = threading.Lock()
_index: BoundaryIndex | None = None
_checked_at = 0.0


def _check_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "SIGAP_AREAS_INDEX_CHECK_SECONDS", 10))


def database_version() -> str:
    """Changes whenever boundaries are imported or removed."""
    from django.db.models import Max

    from core.models import AreaBoundary, BoundaryImport

    latest = BoundaryImport.objects.aggregate(m=Max("id"))["m"] or 0
    stamp = AreaBoundary.objects.aggregate(m=Max("updated_at"))["m"]
    return (
        f"{latest}:{AreaBoundary.objects.count()}:{stamp.timestamp() if stamp else 0}"
    )


def build_index(version: str | None = None) -> BoundaryIndex:
    from core.models import AreaBoundary

    started = time.monotonic()
    version = version if version is not None else database_version()
    rows = list(
        AreaBoundary.objects.values_list("code", "geometry").iterator(chunk_size=1000)
    )
    geometries = shapely.from_wkb([bytes(wkb) for _, wkb in rows]) if rows else []
    index = BoundaryIndex([code for code, _ in rows], geometries, version=version)
    logger.info(
        "boundary index built: %d kecamatan in %.2fs",
        len(index),
        time.monotonic() - started,
    )
    return index


def boundary_index() -> BoundaryIndex:
    """The process's index, rebuilt when the database has other boundaries."""
    global _index, _checked_at
    now = time.monotonic()
    index = _index
    if index is not None and now - _checked_at < _check_seconds():
        return index
    with _lock:
        if _index is not None and time.monotonic() - _checked_at < _check_seconds():
            return _index
        version = database_version()
        if _index is None or _index.version != version:
            index = None  # drop our reference: the replaced index must be collectable
            _index = build_index(version)
            freeze_after_build()
        _checked_at = time.monotonic()
        return _index


def invalidate() -> None:
    """Drop this process's index (other processes notice the new version by
    themselves within SIGAP_AREAS_INDEX_CHECK_SECONDS)."""
    global _index, _checked_at
    with _lock:
        _index = None
        _checked_at = 0.0
