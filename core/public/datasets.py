"""Open data (/data/): the datasets, their columns and the rows each download streams.

Satu Data Indonesia: Kemendagri codes as identifiers, metadata for every column, CSV and
JSON. Counts pass through the same small-number rule as the map and the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import shapely
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, Min, Q

from core.areas import rules as area_rules
from core.areas.selectors.suppression import (
    published_zone_explanation,
    suppression_marks,
)
from core.cases.rules import FIGURES
from core.models import AreaBoundary, AreaDailyFigure, Facility

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, date, boolean
    description: dict[str, str]
    unit: str = ""
    nullable: bool = False  # empty (CSV) / null (JSON) when suppressed


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: dict[str, str]
    description: dict[str, str]
    columns: tuple[Column, ...]
    periodicity: str  # ISO 8601 repeating duration, as DCAT-US uses
    temporal: bool  # filterable by date
    keywords: tuple[str, ...] = field(default=())
    # Settings naming the dataset's licence and, for data from elsewhere, the
    # source and notice its licence asks every copy to carry.
    licence_setting: str = "OPEN_DATA_LICENSE"
    source_setting: str = ""


def _c(name, type_, id_, en, unit=""):
    return Column(name, type_, {"id": id_, "en": en}, unit)


def _with_flags(counts) -> tuple[Column, ...]:
    """Each count column, nullable, followed by its `<name>_suppressed` flag: one
    scheme for CSV and JSON (a count is an integer or empty/null, never "<5")."""
    out = []
    for c in counts:
        out.append(
            Column(
                c.name,
                c.type,
                {
                    "id": c.description["id"] + SUPPRESSED_NOTE["id"],
                    "en": c.description["en"] + SUPPRESSED_NOTE["en"],
                },
                c.unit,
                nullable=True,
            )
        )
        out.append(
            _c(
                f"{c.name}{FLAG_SUFFIX}",
                "boolean",
                f"Benar bila {c.name} disembunyikan (aturan angka kecil)",
                f"True when {c.name} is suppressed (small-number rule)",
            )
        )
    return tuple(out)


AREA_COLUMNS = (
    _c(
        "date",
        "date",
        "Tanggal (WIB/WITA/WIT wilayah itu)",
        "Date (the area's local day)",
    ),
    _c("code", "string", "Kode wilayah Kemendagri", "Kemendagri area code"),
    _c("name", "string", "Nama wilayah", "Area name"),
    _c(
        "level",
        "integer",
        "Tingkat: 1 provinsi, 2 kab/kota, 3 kecamatan, 4 kelurahan/desa",
        "Level: 1 province, 2 regency/city, 3 district, 4 village",
    ),
)
PERSONS = "orang"
FLAG_SUFFIX = "_suppressed"
SUPPRESSED_NOTE = {
    "id": "; kosong (null di JSON) bila disembunyikan",
    "en": "; empty (null in JSON) when suppressed",
}
HOUSEHOLDS_COLUMN = _c(
    "households_confirmed_7d",
    "integer",
    "Rumah dengan kasus konfirmasi dalam 7 hari terakhir",
    "Households with a confirmed case in the last 7 days",
    "rumah",
)
_FIGURE_COLUMN = {
    c.name: c
    for c in (
        _c("new_confirmed", "integer", "Kasus konfirmasi baru hari itu", "New confirmed cases that day", PERSONS),
        _c("active_confirmed", "integer", "Kasus konfirmasi aktif", "Active confirmed cases", PERSONS),
        _c("recovered", "integer", "Sembuh hari itu", "Recovered that day", PERSONS),
        _c("deaths", "integer", "Meninggal hari itu", "Deaths that day", PERSONS),
        _c("suspect", "integer", "Suspek aktif", "Active suspect cases", PERSONS),
        _c("probable", "integer", "Probable aktif", "Active probable cases", PERSONS),
        _c("isolating", "integer", "Sedang isolasi", "Isolating", PERSONS),
        HOUSEHOLDS_COLUMN,
    )
}  # fmt: skip
if set(_FIGURE_COLUMN) != set(FIGURES):
    # A figure added to core.cases.rules.FIGURES needs its description here: fail at
    # start-up, not with a header shorter than its rows in every download.
    raise ImproperlyConfigured(
        "Open-data figure columns differ from core.cases.rules.FIGURES: "
        f"{sorted(set(FIGURES) ^ set(_FIGURE_COLUMN))}"
    )
# The figures dataset's columns, one per derived figure in the order its rows carry them.
FIGURE_COLUMNS = _with_flags(_FIGURE_COLUMN[name] for name in FIGURES)
ZONE_COLUMNS = (
    *_with_flags([HOUSEHOLDS_COLUMN]),
    _c("zone", "string", "Zona: hijau, kuning, oranye, merah (kosong: belum ada aturan)", "Zone: hijau, kuning, oranye, merah (blank: no rule yet)"),
    _c("rule_version", "string", "Versi aturan zonasi yang menilai", "Zoning rule version that judged it"),
)  # fmt: skip
SMALL_NOTE = {
    "id": "Angka kecil disembunyikan (UU PDP): angka 1-4 di tingkat mana pun, dan angka lain bila perlu agar angka 1-4 itu tidak bisa dihitung dari total wilayah induk dikurangi wilayah lain (penekanan komplementer). Angka yang disembunyikan kosong (null di JSON) dengan kolom <nama>_suppressed bernilai true; penjelasan zona menulis \"kurang dari 5\" atau \"5 atau lebih\", bukan angkanya. Hari yang tidak tercantum: semua angka 0 dan zona hijau (bila aturan berlaku).",
    "en": "Small numbers are suppressed (UU PDP): counts 1-4 at any level, and other counts where needed so that a 1-4 cannot be computed from a parent area's total minus its other areas (complementary suppression). A suppressed count is empty (null in JSON) with its <name>_suppressed column true; zone explanations say \"fewer than 5\" or \"5 or more\", not the count. A day not listed: all counts 0 and zone hijau (when a rule was in force).",
}  # fmt: skip

DATASETS: dict[str, Dataset] = {
    d.slug: d
    for d in (
        Dataset(
            slug="figures",
            title={"id": "Angka harian per wilayah", "en": "Daily figures per area"},
            description={
                "id": "Angka kasus harian per wilayah dan tingkat, diturunkan dari kasus terintegrasi. "
                + SMALL_NOTE["id"],
                "en": "Daily case figures per area and level, derived from integrated cases. "
                + SMALL_NOTE["en"],
            },
            columns=AREA_COLUMNS + FIGURE_COLUMNS,
            periodicity="R/P1D",
            temporal=True,
            keywords=("covid-19", "kasus", "harian"),
        ),
        Dataset(
            slug="zones",
            title={"id": "Zona risiko per hari", "en": "Risk zones per day"},
            description={
                "id": "Zona risiko tiap wilayah per hari dan aturan yang menilainya. "
                + SMALL_NOTE["id"],
                "en": "Each area's risk zone per day and the rule that judged it. "
                + SMALL_NOTE["en"],
            },
            columns=AREA_COLUMNS
            + ZONE_COLUMNS
            + (
                _c(
                    "explanation_id",
                    "string",
                    "Penjelasan (Bahasa Indonesia)",
                    "Explanation (Indonesian)",
                ),
                _c(
                    "explanation_en",
                    "string",
                    "Penjelasan (Inggris)",
                    "Explanation (English)",
                ),
            ),  # fmt: skip
            periodicity="R/P1D",
            temporal=True,
            keywords=("covid-19", "zona", "ppkm"),
        ),
        Dataset(
            slug="facilities",
            title={"id": "Fasilitas rujukan", "en": "Referral facilities"},
            description={
                "id": "Rumah sakit rujukan aktif dengan alamat, telepon dan koordinat.",
                "en": "Active referral hospitals with address, phone and coordinates.",
            },
            columns=(
                _c("code", "string", "Kode fasilitas", "Facility code"),
                _c("name", "string", "Nama", "Name"),
                _c("kind", "string", "Jenis fasilitas", "Kind of facility"),
                _c(
                    "district_code",
                    "string",
                    "Kode kecamatan Kemendagri",
                    "Kemendagri district code",
                ),
                _c("district_name", "string", "Kecamatan", "District"),
                _c("address", "string", "Alamat", "Address"),
                _c("phone", "string", "Telepon", "Phone"),
                _c(
                    "latitude",
                    "number",
                    "Lintang (WGS84)",
                    "Latitude (WGS84)",
                    "derajat",
                ),
                _c(
                    "longitude",
                    "number",
                    "Bujur (WGS84)",
                    "Longitude (WGS84)",
                    "derajat",
                ),
            ),  # fmt: skip
            periodicity="R/P1W",
            temporal=False,
            keywords=("rumah sakit", "rujukan"),
        ),
        Dataset(
            slug="boundaries",
            licence_setting="OPEN_DATA_BOUNDARIES_LICENSE",
            source_setting="OPEN_DATA_BOUNDARIES_SOURCE",
            title={"id": "Batas kecamatan", "en": "District boundaries"},
            description={
                "id": "Batas kecamatan (disederhanakan ~100 m), WGS84. CSV: geometri WKT; JSON: GeoJSON.",
                "en": "District boundaries (simplified ~100 m), WGS84. CSV: WKT geometry; JSON: GeoJSON.",
            },
            columns=(
                _c(
                    "code",
                    "string",
                    "Kode kecamatan Kemendagri",
                    "Kemendagri district code",
                ),
                _c("name", "string", "Nama kecamatan", "District name"),
                _c("area_km2", "number", "Luas", "Area", "km2"),
                _c(
                    "centroid_lat",
                    "number",
                    "Lintang titik tengah",
                    "Centroid latitude",
                    "derajat",
                ),
                _c(
                    "centroid_lng",
                    "number",
                    "Bujur titik tengah",
                    "Centroid longitude",
                    "derajat",
                ),
                _c(
                    "geometry",
                    "string",
                    "Geometri (WKT di CSV, GeoJSON di JSON)",
                    "Geometry (WKT in CSV, GeoJSON in JSON)",
                ),
            ),  # fmt: skip
            periodicity="R/P1Y",
            temporal=False,
            keywords=("batas wilayah", "geospasial"),
        ),
    )
}


@dataclass(frozen=True)
class Query:
    area: str | None = None  # a Region code: that area and every area inside it
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    level: int | None = None


def _figures_scope(q: Query):
    qs = AreaDailyFigure.objects.all()
    if q.area:
        low, high = area_rules.descendant_range(q.area)
        qs = qs.filter(Q(region_id__gte=low, region_id__lt=high) | Q(region_id=q.area))
    if q.date_from:
        qs = qs.filter(date__gte=q.date_from)
    if q.date_to:
        qs = qs.filter(date__lte=q.date_to)
    if q.level:
        qs = qs.filter(level=q.level)
    return qs


class _Marks:
    """The hidden cells of each day the rows reach, read a few weeks at a time (rows
    come ordered by date)."""

    def __init__(self, q: Query):
        self.q = q
        self.days: dict[dt.date, dict] = {}

    def of(self, date: dt.date, code: str) -> dict[str, str]:
        if date not in self.days:
            self.days = suppression_marks(self._upcoming(date))
        return self.days[date].get(code, {})

    def _upcoming(self, date: dt.date) -> list[dt.date]:
        return list(
            _figures_scope(self.q)
            .filter(date__gte=date)
            .order_by("date")
            .values_list("date", flat=True)
            .distinct()[:31]
        ) or [date]


def _published(value: int, marker: str | None) -> list:
    return [None, True] if marker else [value, False]


def rows_figures(q: Query) -> Iterator[list]:
    fields = ["date", "region_id", "region__name", "level", *FIGURES]
    marks = _Marks(q)
    for row in (
        _figures_scope(q)
        .order_by("date", "region_id")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    ):
        hidden = marks.of(row[0], row[1])
        out = list(row[:4])
        for name, value in zip(FIGURES, row[4:], strict=True):
            out += _published(value, hidden.get(name))
        yield out


def rows_zones(q: Query) -> Iterator[list]:
    fields = [
        "date",
        "region_id",
        "region__name",
        "level",
        "households_confirmed_7d",
        "zone",
        "zone_rule__version",
        "explanation",
    ]
    marks = _Marks(q)
    for (
        date,
        code,
        name,
        level,
        households,
        zone,
        version,
        explanation,
    ) in (
        _figures_scope(q)
        .order_by("date", "region_id")
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    ):
        hidden = marks.of(date, code)
        explanation = published_zone_explanation(
            explanation or {}, households=households, marks=hidden
        )
        yield [
            date,
            code,
            name,
            level,
            *_published(households, hidden.get("households_confirmed_7d")),
            zone or "",
            version or "",
            explanation.get("id", ""),
            explanation.get("en", ""),
        ]


def rows_facilities(q: Query) -> Iterator[list]:
    qs = Facility.objects.filter(is_active=True, is_referral=True)
    if q.area:
        low, high = area_rules.descendant_range(q.area)
        qs = qs.filter(
            Q(district_id__gte=low, district_id__lt=high) | Q(district_id=q.area)
        )
    yield from qs.order_by("code").values_list(
        "code",
        "name",
        "kind",
        "district_id",
        "district__name",
        "address",
        "phone",
        "latitude",
        "longitude",
    )


def rows_boundaries(q: Query, *, geojson: bool = False) -> Iterator[list]:
    qs = AreaBoundary.objects.all()
    if q.area:
        qs = qs.filter(code__startswith=q.area + ".") | qs.filter(code=q.area[:8])
    for code, name, km2, lat, lng, wkb in (
        qs.order_by("code")
        .values_list(
            "code", "name", "area_km2", "centroid_lat", "centroid_lng", "geometry_mid"
        )
        .iterator(chunk_size=200)
    ):
        geometry = shapely.from_wkb(bytes(wkb))
        yield [
            code,
            name,
            round(km2, 3),
            round(lat, 6),
            round(lng, 6),
            shapely.geometry.mapping(geometry)
            if geojson
            else shapely.to_wkt(geometry, rounding_precision=5),
        ]


ROWS = {
    "figures": rows_figures,
    "zones": rows_zones,
    "facilities": rows_facilities,
    "boundaries": rows_boundaries,
}


def temporal_coverage() -> tuple[dt.date | None, dt.date | None]:
    span = AreaDailyFigure.objects.aggregate(a=Min("date"), b=Max("date"))
    return span["a"], span["b"]


def dataset_licence(ds: Dataset) -> str:
    return getattr(settings, ds.licence_setting)


def dataset_source(ds: Dataset) -> str:
    """The source and its notice ("" for the health office's own data)."""
    return getattr(settings, ds.source_setting) if ds.source_setting else ""
