"""Open data: the catalogue against its documented shape, and streamed downloads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.http import StreamingHttpResponse
from django.test import override_settings

pytestmark = pytest.mark.django_db

SCHEMA = Path(settings.BASE_DIR) / "docs" / "open-data-catalog.schema.json"


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response))))


def test_it_publishes_a_catalogue_that_matches_its_schema(client, demo_areas):
    catalog = client.get("/data/catalog.json").json()
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(
        catalog, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    slugs = {d["identifier"].rsplit("/", 1)[-1] for d in catalog["dataset"]}
    assert slugs == {"figures", "zones", "facilities", "boundaries"}
    figures = next(d for d in catalog["dataset"] if d["identifier"].endswith("figures"))
    assert figures["accrualPeriodicity"] == "R/P1D"
    assert {c["name"] for c in figures["columns"]} >= {"date", "code", "new_confirmed"}
    assert {d["mediaType"] for d in figures["distribution"]} == {
        "text/csv",
        "application/json",
    }
    served = client.get("/data/catalog.schema.json").json()
    assert served == schema


def test_it_rejects_a_catalogue_missing_its_distribution(client, demo_areas):
    """The schema is no rubber stamp."""
    catalog = client.get("/data/catalog.json").json()
    del catalog["dataset"][0]["distribution"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(catalog, json.loads(SCHEMA.read_text()))


def test_it_streams_figures_for_an_area_and_its_descendants(client, demo_areas):
    rows = _csv(client.get("/data/figures.csv?area=33.74.10"))
    codes = {r["code"] for r in rows}
    assert codes == {"33.74.10", "33.74.10.1001"}
    assert all(r["code"].startswith("33.74.10") for r in rows)
    everything = _csv(client.get("/data/figures.csv"))
    assert {r["code"] for r in everything} >= {"33", "33.74", "33.74.06.1001"}


def test_it_filters_by_date_and_level(client, demo_areas):
    rows = _csv(client.get("/data/figures.csv?level=3"))
    dates = sorted({r["date"] for r in rows})
    middle = dates[len(dates) // 2]
    some = _csv(client.get(f"/data/figures.csv?level=3&from={middle}&to={middle}"))
    assert some and {r["date"] for r in some} == {middle}
    assert {r["level"] for r in some} == {"3"}


def test_it_suppresses_small_counts_in_downloads(client, demo_areas):
    rows = _csv(client.get("/data/zones.csv?area=33.74.06.1001"))
    hidden = [r for r in rows if r["households_confirmed_7d_suppressed"] == "True"]
    assert hidden and {r["households_confirmed_7d"] for r in hidden} == {""}
    with override_settings(SMALL_COUNT_SUPPRESSION=False):
        rows = _csv(client.get("/data/zones.csv?area=33.74.06.1001"))
    assert "" not in {r["households_confirmed_7d"] for r in rows}
    assert {r["households_confirmed_7d_suppressed"] for r in rows} == {"False"}


def test_it_streams_json_with_the_same_rows(client, demo_areas):
    data = json.loads(_body(client.get("/data/zones.json?area=33.74.10")))
    assert data["dataset"] == "zones"
    assert data["filters"]["area"] == "33.74.10"
    assert {r["zone"] for r in data["rows"]} >= {"merah"}
    assert len(data["rows"]) == len(_csv(client.get("/data/zones.csv?area=33.74.10")))


def test_it_lists_referral_facilities(client, demo_areas):
    rows = _csv(client.get("/data/facilities.csv?area=33.74"))
    assert {r["name"] for r in rows} == {
        "RSUP Dr. Kariadi",
        "RSUD K.R.M.T. Wongsonegoro",
    }


def test_it_serves_boundaries_as_wkt_and_geojson(client, regions_semarang, boundaries):
    rows = _csv(client.get("/data/boundaries.csv?area=33.74"))
    assert len(rows) == 16 and rows[0]["geometry"].startswith(("POLYGON", "MULTI"))
    geo = json.loads(_body(client.get("/data/boundaries.json?area=33.74.10")))
    assert geo["type"] == "FeatureCollection"
    assert [f["id"] for f in geo["features"]] == ["33.74.10"]


def test_it_refuses_bad_filters(client, regions_semarang):
    response = client.get("/data/figures.csv?area=99.99")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "area_not_found"
    response = client.get("/data/figures.csv?from=2026-02-01&to=2026-01-01")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_range"
    assert client.get("/data/figures.xml").status_code == 404
    assert client.get("/data/nothing.csv").status_code == 404


def test_it_shows_the_open_data_page(client):
    page = client.get("/data/").content.decode()
    assert "catalog.json" in page and "Unduh CSV" in page


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("slug", ["figures", "zones", "facilities", "boundaries"])
def test_every_download_has_a_header_matching_its_rows_and_catalogue(
    client, demo_areas, boundaries, slug, fmt
):
    from core.public.datasets import DATASETS

    columns = [c.name for c in DATASETS[slug].columns]
    catalogued = next(
        d
        for d in client.get("/data/catalog.json").json()["dataset"]
        if d["identifier"].endswith(f"/{slug}")
    )
    assert [c["name"] for c in catalogued["columns"]] == columns
    response = client.get(f"/data/{slug}.{fmt}?area=33.74")
    assert response.status_code == 200
    chunks = list(response.streaming_content)
    body = b"".join(chunks).decode("utf-8-sig")
    if fmt == "csv":
        header, *rows = list(csv.reader(io.StringIO(body)))
        assert header == columns
        assert rows and all(len(row) == len(header) for row in rows)
    elif slug == "boundaries":
        features = json.loads(body)["features"]
        assert features and all(
            set(f["properties"]) == {"code", "name", "area_km2", "centroid"}
            for f in features
        )
    else:
        data = json.loads(body)
        assert data["columns"] == columns
        assert data["rows"] and all(list(row) == columns for row in data["rows"])
        # Streamed row by row: the opening, one chunk per row, the closing.
        assert len(chunks) == len(data["rows"]) + 2


def test_the_figures_columns_are_the_derived_figures():
    from core.cases.rules import FIGURES
    from core.public.datasets import DATASETS

    names = [c.name for c in DATASETS["figures"].columns]
    flags = [f"{f}_suppressed" for f in FIGURES]
    assert [n for n in names if n not in flags] == [
        "date",
        "code",
        "name",
        "level",
        *FIGURES,
    ]
    assert names[5::2] == flags  # each flag right after its count


def test_a_failure_mid_stream_is_logged_and_ends_the_body(
    client, demo_areas, monkeypatch, caplog
):
    from core.public import datasets

    def broken(query):
        yield from list(datasets.rows_figures(query))[:1]
        raise ValueError("row with more fields than the header")

    monkeypatch.setitem(datasets.ROWS, "figures", broken)
    response = client.get("/data/figures.json?area=33.74")
    assert response.status_code == 200  # the status line went out before the rows
    body = b"".join(response.streaming_content).decode()
    assert body.startswith('{"dataset":"figures"') and not body.endswith("]}\n")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    [record] = [r for r in caplog.records if r.name == "core.public.opendata"]
    assert record.levelname == "ERROR" and "figures.json" in record.getMessage()


def test_the_boundaries_carry_their_own_licence_and_notice(client, demo_areas):
    """The kecamatan boundaries are cahyadsn/wilayah_boundaries (MIT): every copy
    carries the copyright notice, and the catalogue names their own licence."""
    catalogue = client.get("/data/catalog.json").json()
    boundaries = next(
        d for d in catalogue["dataset"] if d["identifier"].endswith("/boundaries")
    )
    figures = next(
        d for d in catalogue["dataset"] if "boundaries" not in d["identifier"]
    )
    assert boundaries["license"] == "https://opensource.org/license/mit"
    assert "Cahya DSN" in boundaries["source"]
    assert "source" not in figures

    geojson = client.get("/data/boundaries.json", {"area": "33.74.10"})
    body = b"".join(geojson.streaming_content).decode()
    assert '"license":"https://opensource.org/license/mit"' in body
    assert "Copyright (c) Cahya DSN" in body
    csv = client.get("/data/boundaries.csv", {"area": "33.74.10"})
    assert csv["Link"] == '<https://opensource.org/license/mit>; rel="license"'
    assert "Cahya DSN" in client.get("/data/").content.decode()


@pytest.mark.parametrize(
    "path", ["/peta/", "/data/", "/data/catalog.json", "/data/figures.csv"]
)
def test_link_checkers_and_catalogue_harvesters_may_ask_head(client, demo_areas, path):
    assert client.head(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/data/catalog.json", "/data/figures.json", "/data/zones.csv"]
)
def test_any_web_page_may_read_the_open_data(client, demo_areas, path):
    r = client.get(path, HTTP_ORIGIN="https://notebook.example")
    assert r["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r
