"""The public map's JSON: zones of a day, shapes, an area's card, summary."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from django.test import override_settings

from core.areas.selectors import local_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client):
    return client


def test_it_redirects_the_root_to_the_map(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/peta/"


def test_it_serves_the_demo_zones_per_level(client, demo_areas):
    kec = client.get("/peta/data/zones.json?level=3").json()
    assert kec["zones"]["33.74.10"][0] == "merah"
    assert kec["zones"]["33.74.06"][0] == "oranye"
    assert kec["zones"]["33.74.11"][0] == "kuning"
    assert kec["default"] == "hijau"
    assert kec["rule"]["version"] == "v1"
    assert kec["rule"]["effective_from"] == "2021-03-23"
    prov = client.get("/peta/data/zones.json?level=1").json()
    assert prov["zones"]["33"][0] == "merah"


def test_it_suppresses_small_kelurahan_counts_on_the_map(client, demo_areas):
    zones = client.get("/peta/data/zones.json?level=4").json()["zones"]
    # Meteseh: 7 households, hidden beside a "<5" sibling (complementary)
    assert zones["33.74.10.1001"][1] in (7, "≥5")
    assert zones["33.74.06.1001"][1] == "<5"  # Penggaron: 4
    kec = client.get("/peta/data/zones.json?level=3").json()["zones"]
    assert kec["33.74.06"][1] == "<5"  # Pedurungan: 4, every level is suppressed


def test_it_shows_small_counts_when_suppression_is_off(client, demo_areas):
    with override_settings(SMALL_COUNT_SUPPRESSION=False):
        zones = client.get("/peta/data/zones.json?level=4&lang=en").json()["zones"]
    assert zones["33.74.06.1001"][1] == 4


def test_it_suppresses_the_same_in_the_area_api(client, demo_areas):
    area = client.get("/api/v1/areas/33.74.06.1001").json()
    assert area["zone"]["households_confirmed_7d"] == "<5"
    assert area["figures"]["active_confirmed"] == "<5"
    history = client.get("/api/v1/areas/33.74.06.1001/history").json()
    assert "<5" in [d["active_confirmed"] for d in history["days"]]


def test_it_shows_an_earlier_day(client, demo_areas):
    """Semarang Tengah's older cluster was kuning/oranye four weeks ago, hijau today."""
    today = local_today()
    now = client.get("/peta/data/zones.json?level=3").json()["zones"]
    assert "33.74.01" not in now or now["33.74.01"][0] == "hijau"
    past = client.get(
        f"/peta/data/zones.json?level=3&date={today - dt.timedelta(days=24)}"
    ).json()["zones"]
    assert past["33.74.01"][0] in ("kuning", "oranye")


def test_it_refuses_bad_parameters(client):
    response = client.get("/peta/data/zones.json?level=9")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_level"
    response = client.get("/peta/data/zones.json?date=2026-13-01")
    assert response.json()["error"]["code"] == "invalid_date"
    response = client.get("/peta/data/zones.json?date=1999-01-01")
    assert response.json()["error"]["code"] == "date_out_of_range"
    response = client.get("/peta/data/zones.json?within=abc")
    assert response.json()["error"]["code"] == "invalid_area"
    assert client.get("/peta/data/shapes/3.json").status_code == 400
    assert client.get("/peta/data/area/99.99.json").status_code == 404


def test_it_answers_with_etags_and_304(client, demo_areas):
    first = client.get("/peta/data/zones.json?level=3")
    assert first["Cache-Control"].startswith("public, max-age=")
    again = client.get(
        "/peta/data/zones.json?level=3", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_it_serves_kecamatan_shapes_of_a_kota_gzipped(client, boundaries):
    response = client.get(
        "/peta/data/shapes/3.json?within=33.74", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.content))
    codes = {f["id"] for f in data["features"]}
    assert len(codes) == 16 and "33.74.10" in codes
    plain = client.get("/peta/data/shapes/3.json?within=33.74")
    assert json.loads(plain.content) == data
    assert (
        client.get(
            "/peta/data/shapes/3.json?within=33.74", HTTP_IF_NONE_MATCH=response["ETag"]
        ).status_code
        == 304
    )


def _geojson(response) -> dict:
    return json.loads(gzip.decompress(response.content))


def test_it_counts_the_kecamatan_of_every_kabupaten_kota_in_the_national_layer(
    client, boundaries
):
    """The map draws every kab/kota in view, budgeting by these counts."""
    national = _geojson(
        client.get("/peta/data/shapes/2.json", HTTP_ACCEPT_ENCODING="gzip")
    )
    counts = {f["id"]: f["properties"]["kecamatan"] for f in national["features"]}
    assert len(counts) == 514 and sum(counts.values()) == 7285
    for kab in ("31.71", "32.76", "36.03"):  # Jakarta Pusat, Depok, Kab. Tangerang
        kecamatan = _geojson(
            client.get(
                f"/peta/data/shapes/3.json?within={kab}", HTTP_ACCEPT_ENCODING="gzip"
            )
        )
        assert counts[kab] == len(kecamatan["features"]) > 0


def test_it_serves_every_kecamatan_of_a_provinsi_in_one_file(client, boundaries):
    """Banten at once, when most of its kab/kota are in view (Tangerang at zoom 10)."""
    national = _geojson(
        client.get("/peta/data/shapes/2.json", HTTP_ACCEPT_ENCODING="gzip")
    )
    banten = {
        f["id"]: f["properties"]["kecamatan"]
        for f in national["features"]
        if f["id"].startswith("36.")
    }
    response = client.get(
        "/peta/data/shapes/3.json?within=36", HTTP_ACCEPT_ENCODING="gzip"
    )
    features = _geojson(response)["features"]
    per_kab: dict[str, int] = {}
    for feature in features:
        assert feature["properties"]["level"] == 3
        per_kab[feature["id"][:5]] = per_kab.get(feature["id"][:5], 0) + 1
    assert per_kab == banten and len(banten) == 8
    assert len(response.content) < 60_000  # a provinsi stays a small download


def test_it_builds_a_kabupaten_shape_from_its_kecamatan(boundaries):
    import shapely

    from core.areas.mapdata import _shape_rows

    rows = _shape_rows(2, "33.74")
    assert [code for code, _, _ in rows] == ["33.74"]
    kota = rows[0][2]
    kecamatan = _shape_rows(3, "33.74")
    assert len(kecamatan) == 16
    assert kota.is_valid and kota.contains(shapely.Point(110.4381, -7.0561))
    total = sum(g.area for _, _, g in kecamatan)
    assert abs(kota.area - total) / total < 0.05


def test_it_opens_an_area_card(client, demo_areas, boundaries):
    card = client.get("/peta/data/area/33.74.10.json?lang=en").json()
    assert card["zone"]["zone"] == "merah"
    assert "household" in card["zone"]["explanation"]
    assert [p["code"] for p in card["parents"]] == ["33", "33.74"]
    assert len(card["history"]["dates"]) == 90
    assert card["history"]["dates"][-1] == card["date"]
    assert card["bbox"][0] < 110.4381 < card["bbox"][2]
    assert card["hospitals"] and card["hospitals"][0]["phone"]


def test_it_sums_the_nation_for_the_summary(client, demo_areas):
    data = client.get("/peta/data/summary.json").json()
    assert data["name"] == "Indonesia"
    assert data["figures"]["active_confirmed"] in ("≥5", 14)
    assert len(data["series"]["active_confirmed"]) == 90
    province = client.get("/peta/data/summary.json?code=33").json()
    assert (
        province["figures"]["active_confirmed"] == data["figures"]["active_confirmed"]
    )


def test_it_renders_the_map_page_in_both_languages(client, demo_areas):
    page = client.get("/peta/")
    assert page.status_code == 200
    assert "Lokasi saya" in page.content.decode()
    assert "vendor/leaflet/leaflet.js" in page.content.decode()
    client.cookies["django_language"] = "en"
    page = client.get("/peta/")
    assert 'lang="en"' in page.content.decode()
    assert "My location" in page.content.decode()


def test_the_public_pages_follow_the_browsers_language(client, demo_areas):
    page = client.get("/peta/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="en"' in page.content.decode()
    assert "Accept-Language" in page["Vary"] and "Cookie" in page["Vary"]
    assert (
        'lang="en"' in client.get("/data/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    # The choice (the language cookie) comes first; no header, Indonesian.
    client.cookies["django_language"] = "id"
    page = client.get("/peta/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="id"' in page.content.decode()
    del client.cookies["django_language"]
    assert 'lang="id"' in client.get("/peta/").content.decode()
