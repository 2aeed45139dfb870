"""The public risk map /peta/: one page, and the cached JSON it reads."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.areas import mapdata
from core.areas import rules as area_rules
from core.areas.cache import cached_json
from core.areas.selectors import local_today, region_get
from core.exceptions import ApplicationError, NotFound
from core.i18n import pick, request_language, tr
from core.public.error_codes import PublicErrorCode
from core.public.http import conditional, json_errors, parse_date, parse_level

EARLIEST = dt.date(2020, 1, 1)


def _day(request) -> dt.date:
    date = parse_date(request.GET.get("date"), "date")
    today = local_today()
    if date is None:
        return today
    if not EARLIEST <= date <= today + dt.timedelta(days=1):
        raise ApplicationError(
            "Date out of range.",
            code=PublicErrorCode.DATE_OUT_OF_RANGE,
            fields={"date": f"Antara {EARLIEST} dan {today}."},
        )
    return date


def _within(request) -> str | None:
    raw = request.GET.get("within")
    if not raw:
        return None
    code = area_rules.parse_code(raw)
    if code is None or area_rules.level_of(code) > 3:
        raise ApplicationError(
            tr({"id": "Wilayah tidak dikenal.", "en": "Unknown area."}),
            code=PublicErrorCode.INVALID_AREA,
            fields={
                "within": tr(
                    {
                        "id": "Kode provinsi, kabupaten/kota atau kecamatan.",
                        "en": "A province, regency/city or district code.",
                    }
                )
            },
        )
    return code


def _use_lang(request) -> str:
    """Data URLs carry ?lang= so a shared cache never mixes languages (pages choose
    by cookie, which a URL-keyed cache cannot see)."""
    lang = request.GET.get("lang")
    if lang in ("id", "en"):
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
    return request_language(request)


def _max_age() -> int:
    return settings.SIGAP_MAP_CACHE_SECONDS


@require_safe
def peta(request):
    lang = request_language(request)
    timeline = mapdata.map_timeline()
    zones = [
        {"zone": z, "label": pick(area_rules.ZONE_LABELS[z], lang)}
        for z in area_rules.ZONES
    ]
    return render(
        request,
        "public/peta.html",
        {
            "timeline": timeline,
            "zones": zones,
            "config": {
                "lang": lang,
                "first_date": timeline["first_date"],
                "today": timeline["today"],
                "rules": timeline["rules"],
                "zones": zones,
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
                "suppression": settings.SMALL_COUNT_SUPPRESSION,
                "t": _strings(),
            },
        },
    )


def _strings() -> dict[str, str]:
    """The words the map's script shows, in the page's language."""
    return {
        "zone": _("Zona"),
        # "Zona merah" / "Red zone": the translation orders the words.
        "zone_named": _("Zona %(zone)s"),
        "rule": _("Aturan"),
        "since": _("sejak"),
        "no_rule": _("Belum ada aturan zonasi pada tanggal ini"),
        "new_confirmed": _("Konfirmasi baru"),
        "active_confirmed": _("Kasus aktif"),
        "recovered": _("Sembuh"),
        "deaths": _("Meninggal"),
        "suspect": _("Suspek"),
        "probable": _("Probable"),
        "isolating": _("Isolasi"),
        "households": _("Rumah dengan kasus (7 hari)"),
        "hospitals": _("Rumah sakit rujukan terdekat"),
        "no_hospitals": _("Belum ada data rumah sakit rujukan."),
        "trend": _("Tren kasus"),
        "days30": _("30 hari"),
        "days90": _("90 hari"),
        "close": _("Tutup"),
        "play": _("Putar"),
        "pause": _("Jeda"),
        "locating": _("Mencari lokasi…"),
        "no_geo": _("Lokasi tidak tersedia di perangkat ini."),
        "geo_failed": _("Lokasi tidak dapat ditentukan."),
        "outside": _("Lokasi Anda berada di luar wilayah Indonesia."),
        "you_are_here": _("Lokasi Anda"),
        "area_unknown": _("Wilayah %(code)s tidak ditemukan."),
        "level1": _("Provinsi"),
        "level4": _("Kel./Desa"),
        "not_found": _("Tidak ditemukan."),
        "loading": _("Memuat…"),
        "load_failed": _("Data peta gagal dimuat."),
        "date_label": _("Tanggal"),
        "zoom_in": _("Perbesar untuk melihat kecamatan"),
        "small": _("<5: angka kecil disamarkan"),
    }


@require_safe
@json_errors
def shapes(request, level: str):
    level = parse_level(level, allowed=(1, 2, 3))
    body, etag = mapdata.map_shapes(level, _within(request))
    return conditional(
        request,
        body,
        etag,
        max_age=max(_max_age(), 3600),
        content_type="application/geo+json",
        gzipped=True,
    )


@require_safe
@json_errors
def zones(request):
    level = parse_level(request.GET.get("level")) or 2
    date, within = _day(request), _within(request)
    _use_lang(request)
    return cached_json(
        request,
        f"map:zones:{level}:{date}:{within}",
        lambda: mapdata.map_zones(level=level, date=date, within=within),
        max_age=_max_age(),
    )


@require_safe
@json_errors
def area(request, code: str):
    # The region is read only when the answer is built: a warm hit costs no query.
    normalised = _code(code)
    date, lang = _day(request), _use_lang(request)
    return cached_json(
        request,
        f"map:area:{normalised}:{date}",
        lambda: mapdata.map_area(region_get(normalised), date=date, lang=lang),
        max_age=_max_age(),
    )


def _code(raw: str) -> str:
    code = area_rules.parse_code(raw or "")
    if code is None:
        raise NotFound(
            tr(
                {"id": "Wilayah {code} tidak dikenal.", "en": "Unknown area {code}."},
                code=raw,
            ),
            code=PublicErrorCode.AREA_NOT_FOUND,
        )
    return code


@require_safe
@json_errors
def summary(request):
    raw = request.GET.get("code")
    code = _code(raw) if raw else None
    date, lang = _day(request), _use_lang(request)
    return cached_json(
        request,
        f"map:summary:{code or ''}:{date}",
        lambda: mapdata.map_summary(
            region=region_get(code) if code else None, date=date, lang=lang
        ),
        max_age=_max_age(),
    )
