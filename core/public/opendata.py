"""/data/: the open-data page, the DCAT-style catalogue and streamed downloads."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.areas import geo
from core.areas.selectors import region_get
from core.exceptions import ApplicationError, NotFound
from core.i18n import pick, request_language
from core.public.datasets import (
    DATASETS,
    ROWS,
    Query,
    dataset_licence,
    dataset_source,
    temporal_coverage,
)
from core.public.error_codes import PublicErrorCode
from core.public.http import json_errors, parse_date, parse_level

logger = logging.getLogger(__name__)

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}
CATALOG_SCHEMA = "docs/open-data-catalog.schema.json"


def open_to_any_origin(view):
    """Public data, asked without credentials: any web page (a notebook, a news
    site's chart) may read it (CORS). Errors too, so a page can show why."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def catalog_build(request) -> dict:
    """DCAT (DCAT-US 1.1 field names) for every dataset; docs/open-data-catalog.schema.json
    documents the shape."""
    lang = request_language(request)
    start, end = temporal_coverage()
    today = dt.date.today()
    temporal = f"{start or today}/{end or today}"
    min_lng, min_lat, max_lng, max_lat = geo.INDONESIA_BBOX
    publisher = {"@type": "org:Organization", "name": settings.OPEN_DATA_PUBLISHER}
    datasets = []
    for ds in DATASETS.values():
        url = reverse("opendata:download", args=[ds.slug, "csv"])
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "identifier": _absolute(request, url.rsplit(".", 1)[0]),
                "title": pick(ds.title, lang),
                "description": pick(ds.description, lang),
                "keyword": list(ds.keywords),
                "modified": (end or today).isoformat(),
                "publisher": publisher,
                "accessLevel": "public",
                "license": dataset_licence(ds),
                **({"source": dataset_source(ds)} if ds.source_setting else {}),
                "accrualPeriodicity": ds.periodicity,
                "temporal": temporal if ds.temporal else None,
                "spatial": f"{min_lng},{min_lat},{max_lng},{max_lat}",
                "spatialCoverage": "Indonesia",
                "language": ["id", "en"],
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "description": pick(c.description, lang),
                        "unit": c.unit or None,
                        **({"nullable": True} if c.nullable else {}),
                    }
                    for c in ds.columns
                ],
                "filters": {
                    "area": "Kode Kemendagri (wilayah itu dan semua di dalamnya)",
                    **(
                        {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "level": "1-4"}
                        if ds.temporal
                        else {}
                    ),
                },
                "distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "title": f"{pick(ds.title, lang)} ({fmt.upper()})",
                        "format": fmt.upper(),
                        "mediaType": MEDIA_TYPES[fmt]
                        if not (ds.slug == "boundaries" and fmt == "json")
                        else "application/geo+json",
                        "downloadURL": _absolute(
                            request, reverse("opendata:download", args=[ds.slug, fmt])
                        ),
                    }
                    for fmt in ("csv", "json")
                ],
            }
        )
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": _absolute(request, reverse("opendata:catalog-schema")),
        "title": "Sigap — data terbuka" if lang == "id" else "Sigap — open data",
        "publisher": publisher,
        "dataset": datasets,
    }


@require_safe
def index(request):
    lang = request_language(request)
    return render(
        request,
        "public/data.html",
        {
            "datasets": [
                {
                    "slug": ds.slug,
                    "title": pick(ds.title, lang),
                    "description": pick(ds.description, lang),
                    "temporal": ds.temporal,
                    "licence": dataset_licence(ds),
                    "source": dataset_source(ds),
                    "columns": [
                        {
                            "name": c.name,
                            "description": pick(c.description, lang),
                            "unit": c.unit,
                        }
                        for c in ds.columns
                    ],
                }
                for ds in DATASETS.values()
            ],
            "licence": settings.OPEN_DATA_LICENSE,
            "publisher": settings.OPEN_DATA_PUBLISHER,
        },
    )


@require_safe
@open_to_any_origin
def catalog(request):
    response = JsonResponse(
        catalog_build(request),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
@open_to_any_origin
def catalog_schema(request):
    path = settings.BASE_DIR / CATALOG_SCHEMA
    return JsonResponse(json.loads(path.read_text()))


def _query(request, temporal: bool) -> Query:
    raw = request.GET.get("area")
    area = region_get(raw).code if raw else None
    start = parse_date(request.GET.get("from"), "from") if temporal else None
    end = parse_date(request.GET.get("to"), "to") if temporal else None
    if start and end and start > end:
        raise ApplicationError(
            "'from' is after 'to'.",
            code=PublicErrorCode.INVALID_RANGE,
            fields={"from": "Harus sebelum 'to'."},
        )
    level = parse_level(request.GET.get("level")) if temporal else None
    return Query(area=area, date_from=start, date_to=end, level=level)


class _Echo:
    def write(self, value):
        return value


def _csv_stream(header: list[str], rows):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)  # BOM: spreadsheets read UTF-8
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def _json_stream(meta: dict, header: list[str], rows):
    encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    yield encoder.encode(meta)[:-1] + ',"rows":['
    first = True
    for row in rows:
        yield ("" if first else ",\n") + encoder.encode(
            dict(zip(header, row, strict=True))
        )
        first = False
    yield "]}\n"


def _geojson_stream(rows, *, licence: str, source: str):
    encoder = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    # Foreign members (RFC 7946 §6.1): the licence and the notice travel with the file.
    head = encoder.encode({"license": licence, "attribution": source})[1:-1]
    yield '{"type":"FeatureCollection",' + head + ',"features":['
    first = True
    for code, name, km2, lat, lng, geometry in rows:
        feature = {
            "type": "Feature",
            "id": code,
            "geometry": geometry,
            "properties": {
                "code": code,
                "name": name,
                "area_km2": km2,
                "centroid": [lng, lat],
            },
        }
        yield ("" if first else ",\n") + encoder.encode(feature)
        first = False
    yield "]}\n"


def _logged(stream, *, slug: str, fmt: str):
    """The download's chunks. A failure once the status line has gone out can no longer
    become an error response: it is logged and the body ends there, so the client gets
    a cut-off file (JSON that does not parse) and a closed connection. Unguarded, the
    exception left the ASGI app after `http.response.start` (Django's ASGI handler
    drains a sync iterator into a list before sending any of it), daphne's 500 then
    failed with "response has already been started", and the client waited forever
    with 0 bytes."""
    try:
        yield from stream
    except Exception:
        logger.exception("open data: %s.%s failed mid-stream; body cut off", slug, fmt)


@require_safe
@open_to_any_origin
@json_errors
def download(request, slug: str, fmt: str):
    ds = DATASETS.get(slug)
    if ds is None or fmt not in MEDIA_TYPES:
        raise NotFound("Unknown dataset.", code=PublicErrorCode.DATASET_NOT_FOUND)
    query = _query(request, ds.temporal)
    header = [c.name for c in ds.columns]
    if slug == "boundaries" and fmt == "json":
        stream = _geojson_stream(
            ROWS[slug](query, geojson=True),
            licence=dataset_licence(ds),
            source=dataset_source(ds),
        )
        content_type = "application/geo+json"
    elif fmt == "csv":
        stream = _csv_stream(header, ROWS[slug](query))
        content_type = "text/csv; charset=utf-8"
    else:
        meta = {
            "dataset": slug,
            "licence": dataset_licence(ds),
            **({"source": dataset_source(ds)} if ds.source_setting else {}),
            "filters": {
                "area": query.area,
                "from": query.date_from,
                "to": query.date_to,
                "level": query.level,
            },
            "columns": header,
        }
        stream = _json_stream(meta, header, ROWS[slug](query))
        content_type = "application/json"
    response = StreamingHttpResponse(
        _logged(stream, slug=slug, fmt=fmt), content_type=content_type
    )
    suffix = f"-{query.area}" if query.area else ""
    response["Content-Disposition"] = (
        f'attachment; filename="sigap-{slug}{suffix}.{"geojson" if content_type.endswith("geo+json") else fmt}"'
    )
    response["Cache-Control"] = "public, max-age=300"
    response["Link"] = f'<{dataset_licence(ds)}>; rel="license"'
    return response
