"""Public area endpoints: search, detail, children, history, GeoJSON."""

from __future__ import annotations

import datetime as dt

import pytest

from core.cases.figures import figures_recompute_all
from core.cases.services import reports_submit
from core.services.regions import regions_load

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/areas/search"
TODAY = dt.date.today()


@pytest.fixture
def depok_regions(regions_semarang):
    regions_load(root="32.76")  # Kota Depok (Jawa Barat)
    regions_load(root="34.04")  # Kabupaten Sleman (DIY), with Kecamatan Depok


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_it_shows_both_depoks_with_their_parents(depok_regions, api_client):
    response = api_client.get(SEARCH, {"q": "Depok"})
    found = codes(response)
    assert found[:2] == ["32.76", "34.04.07"] or set(found[:3]) >= {"32.76", "34.04.07"}
    kecamatan = next(r for r in response.json()["results"] if r["code"] == "34.04.07")
    assert kecamatan["level"] == 3 and kecamatan["display_name"] == "Kecamatan Depok"
    assert [p["name"] for p in kecamatan["parents"]] == [
        "Kabupaten Sleman",
        "Daerah Istimewa Yogyakarta",
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("smrang", "33.74"),  # typo
        ("Kota Semarang", "33.74"),
        ("Kec. Tembalang", "33.74.10"),
        ("kecamatan tembalang", "33.74.10"),
        ("tembal", "33.74.10"),  # prefix
        ("semarangtengah", "33.74.01"),  # missing space
        ("Semarang  Tengah", "33.74.01"),
        ("kab. sleman", "34.04"),
        ("kota depok", "32.76"),
        ("depok sleman", "34.04.07"),  # name, then where it lies
        ("33.74.10", "33.74.10"),  # by code
        ("3374101001", "33.74.10.1001"),
        ("Kel. Meteseh", "33.74.10.1001"),
    ],
)
def test_it_finds_places_as_people_type_them(depok_regions, api_client, q, expected):
    assert codes(api_client.get(SEARCH, {"q": q}))[0] == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kotadepok", "32.76"),
        ("kecamatantembalang", "33.74.10"),
        ("kec.tembalang", "33.74.10"),
        ("kectembalang", "33.74.10"),
        ("kabsemarang", "33.22"),
        ("kabupatensemarang", "33.22"),
        ("kotasemarang", "33.74"),
        ("kelurahanmeteseh", "33.74.10.1001"),
    ],
)
def test_it_finds_names_with_a_glued_prefix(depok_regions, api_client, q, expected):
    regions_load(root="33.22")  # Kabupaten Semarang, beside Kota Semarang
    assert codes(api_client.get(SEARCH, {"q": q}))[0] == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tembalang district", "33.74.10"),
        ("tembalang subdistrict", "33.74.10"),
        ("Tembalang Sub-District", "33.74.10"),
        ("district tembalang", "33.74.10"),
        ("semarang city", "33.74"),
        ("city of semarang", "33.74"),
        ("semarang regency", "33.22"),
        ("meteseh village", "33.74.10.1001"),
        ("central java province", "33"),
        ("jawa tengah province", "33"),
    ],
)
def test_it_understands_english_level_words(depok_regions, api_client, q, expected):
    regions_load(root="33.22")  # Kabupaten Semarang, beside Kota Semarang
    assert codes(api_client.get(SEARCH, {"q": q}))[0] == expected


def test_semarang_city_ranks_the_city_above_the_regency(depok_regions, api_client):
    regions_load(root="33.22")
    for q, first, second in (
        ("semarang city", "33.74", "33.22"),
        ("semarang regency", "33.22", "33.74"),
    ):
        response = api_client.get(SEARCH, {"q": q})
        found = codes(response)
        assert found.index(first) < found.index(second), q
        scores = {r["code"]: r["score"] for r in response.json()["results"]}
        assert scores[first] > scores[second], q


def test_a_name_that_starts_like_a_prefix_still_matches_as_typed(
    regions_semarang, api_client
):
    regions_load(root="63.02")  # Kabupaten Kotabaru (Kalimantan Selatan)
    regions_load(root="62.01")  # Kabupaten Kotawaringin Barat
    assert codes(api_client.get(SEARCH, {"q": "kotabaru"}))[0] == "63.02"
    assert codes(api_client.get(SEARCH, {"q": "kotawaringin barat"}))[0] == "62.01"


def test_it_filters_search_by_level(depok_regions, api_client):
    found = codes(api_client.get(SEARCH, {"q": "depok", "level": 3}))
    assert found and all(code.count(".") == 2 for code in found)


@pytest.mark.parametrize("q", ["", "a", " ", "."])
def test_it_rejects_empty_or_one_letter_searches(regions_semarang, api_client, q):
    response = api_client.get(SEARCH, {"q": q})
    assert response.status_code == 400
    assert "q" in response.json()["error"]["fields"]


def test_it_answers_nothing_found_with_an_empty_list(regions_semarang, api_client):
    assert codes(api_client.get(SEARCH, {"q": "zzzzqqqq"})) == []


def test_it_shows_an_area_at_any_level(regions_semarang, zone_rules, api_client):
    for code, level in (("33", 1), ("33.74", 2), ("33.74.10", 3), ("33.74.10.1001", 4)):
        body = api_client.get(f"/api/v1/areas/{code}").json()
        assert (body["code"], body["level"]) == (code, level)
        assert body["zone"]["zone"] == "hijau"
    unknown = api_client.get("/api/v1/areas/99.99")
    assert (
        unknown.status_code == 404
        and unknown.json()["error"]["code"] == "area_not_found"
    )
    assert api_client.get("/api/v1/areas/semarang").status_code == 404


def test_it_explains_the_zone_in_the_requested_language(
    regions_semarang, zone_rules, api_client
):
    body = api_client.get("/api/v1/areas/33.74.10", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["zone"]["label"] == "green"
    assert "most severe zone of 12 villages" in body["zone"]["explanation"]
    body = api_client.get("/api/v1/areas/33.74.10", HTTP_ACCEPT_LANGUAGE="id").json()
    assert body["zone"]["explanation"].startswith(
        "hijau: zona terberat dari 12 kelurahan/desa"
    )


@pytest.fixture
def outbreak(regions_semarang, zone_rules):
    from core.cases.services import integrator_create

    lab, _ = integrator_create(name="lab", display_name="Lab", kind="lab")
    names = ["Ani", "Budi", "Cici", "Dedi", "Eka", "Fajar", "Gita"]
    reports_submit(
        integrator=lab,
        reports=[
            {
                "record_id": f"R{i}",
                "full_name": f"{name} Lestari",
                "birth_date": "1980-01-01",
                "sex": "F",
                "kelurahan_code": "33.74.10.1001",
                "household_id": f"H{i}",
                "status": "confirmed",
                "event_date": (TODAY - dt.timedelta(days=i % 4)).isoformat(),
            }
            for i, name in enumerate(names)
        ],
    )
    figures_recompute_all()


def test_it_lists_children_with_their_zones(outbreak, api_client):
    body = api_client.get("/api/v1/areas/33.74.10/children").json()
    assert body["parent"]["code"] == "33.74.10"
    zones = {r["code"]: r["zone"]["zone"] for r in body["results"]}
    assert len(zones) == 12
    assert zones["33.74.10.1001"] == "merah" and zones["33.74.10.1002"] == "hijau"
    assert (
        api_client.get("/api/v1/areas/33.74.10.1001/children").json()["results"] == []
    )


def test_it_gives_every_day_of_the_history(outbreak, api_client):
    start = (TODAY - dt.timedelta(days=9)).isoformat()
    body = api_client.get(
        "/api/v1/areas/33.74/history", {"from": start, "to": TODAY.isoformat()}
    ).json()
    assert len(body["days"]) == 10
    last = body["days"][-1]
    assert (last["zone"], last["rule_version"], last["active_confirmed"]) == (
        "merah",
        "v1",
        7,
    )
    assert (
        body["days"][0]["active_confirmed"] == 0 and body["days"][0]["zone"] == "hijau"
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2021-05-02", "to": "2021-05-01"}, "invalid_range"),
        ({"from": "2019-01-01", "to": "2021-05-01"}, "range_too_long"),
        ({"from": "yesterday"}, "invalid"),
    ],
)
def test_it_rejects_bad_history_ranges(regions_semarang, api_client, params, code):
    response = api_client.get("/api/v1/areas/33.74/history", params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_it_serves_geojson_simplified_for_low_zoom(boundaries, outbreak, api_client):
    full = api_client.get("/api/v1/areas/33.74.10/geojson", {"zoom": 14})
    assert full.status_code == 200 and full["Content-Type"] == "application/geo+json"
    feature = full.json()["features"][0]
    assert feature["properties"]["code"] == "33.74.10"
    assert feature["properties"]["zone"] == "merah"
    assert feature["properties"]["explanation"].startswith("merah: zona terberat")
    city = api_client.get("/api/v1/areas/33.74/geojson", {"zoom": 8}).json()
    assert len(city["features"]) == 16
    zones = {f["id"]: f["properties"]["zone"] for f in city["features"]}
    assert zones["33.74.10"] == "merah" and zones["33.74.01"] == "hijau"
    detailed = api_client.get("/api/v1/areas/33.74/geojson", {"zoom": 14}).content
    low = api_client.get("/api/v1/areas/33.74/geojson", {"zoom": 8}).content
    assert len(low) < len(detailed)
    ring = city["features"][0]["geometry"]["coordinates"][0]
    point = ring[0] if isinstance(ring[0][0], float) else ring[0][0]
    assert all(len(str(c).split(".")[1]) <= 3 for c in point)  # rounded for low zoom
    assert (
        api_client.get("/api/v1/areas/33.74.10.1001/geojson").json()["error"]["code"]
        == "no_boundary"
    )


def test_it_serves_fresh_figures_after_recomputation_despite_the_cache(
    outbreak, api_client
):
    first = api_client.get("/api/v1/areas/33.74.10.1002").json()
    assert first["figures"]["active_confirmed"] == 0
    from core.models import Integrator

    reports_submit(
        integrator=Integrator.objects.get(name="lab"),
        reports=[
            {
                "record_id": "NEW",
                "full_name": "Joni",
                "birth_date": "1970-01-01",
                "sex": "M",
                "kelurahan_code": "33.74.10.1002",
                "status": "confirmed",
                "event_date": TODAY.isoformat(),
            }
        ],
    )
    figures_recompute_all()
    # One case in a kelurahan is published as "<5" (SMALL_COUNT_SUPPRESSION).
    assert (
        api_client.get("/api/v1/areas/33.74.10.1002").json()["figures"][
            "active_confirmed"
        ]
        == "<5"
    )
