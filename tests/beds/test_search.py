"""GET /api/v1/facilities/beds: nearest hospitals with free beds; BOR for the
health office."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.beds.helpers import figures, report
from tests.factories import FacilityFactory

URL = "/api/v1/facilities/beds"
TEMBALANG = {"lat": -7.0566, "lng": 110.4408}


def test_it_lists_hospitals_with_free_beds_nearest_first(
    api_client, kariadi, wongsonegoro, telogorejo
):
    now = timezone.now()
    report(kariadi, {"icu": {"total": 10, "free": 2}, "igd": {"total": 5, "free": 0}})
    report(
        wongsonegoro, {"icu": {"total": 4, "free": 0}, "igd": {"total": 6, "free": 1}}
    )
    report(
        telogorejo,
        {"icu": {"total": 3, "free": 3}},
        reported_at=now - dt.timedelta(hours=30),
    )

    response = api_client.get(URL, TEMBALANG)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    data = response.json()
    names = [h["name"] for h in data["results"]]
    assert names == ["RSUD K.R.M.T. Wongsonegoro", "RSUP Dr. Kariadi", "RS Telogorejo"]
    first = data["results"][0]
    assert first["distance_km"] < data["results"][1]["distance_km"]
    assert figures(first["beds"]) == {
        "icu": {"free": 0, "total": 4},
        "igd": {"free": 1, "total": 6},
    }
    assert first["phone"] and first["address"] and first["updated_at"]
    assert first["stale"] is False
    assert data["results"][2]["stale"] is True

    icu = api_client.get(URL, {**TEMBALANG, "kind": "icu"}).json()
    assert [h["name"] for h in icu["results"]] == ["RSUP Dr. Kariadi", "RS Telogorejo"]
    assert icu["results"][0]["free"] == 2


def test_it_searches_from_an_area_and_paginates(api_client, kariadi, wongsonegoro):
    from core.models import Region

    Region.objects.filter(code="33.74").update(latitude=-6.99, longitude=110.42)
    for i in range(5):
        hospital = FacilityFactory(
            name=f"RS Uji {i}",
            kind="hospital",
            district_id="33.74.10",
            latitude=-7.05 - i * 0.01,
            longitude=110.44,
        )
        report(hospital, {"isolation": {"total": 9, "free": 9}})
    report(kariadi, {"isolation": {"total": 9, "free": 1}})

    first = api_client.get(URL, {"area": "33.74", "page_size": 4}).json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 6
    assert first["results"][0]["name"] == "RSUP Dr. Kariadi"
    assert len(first["results"]) == 4 and len(second["results"]) == 2
    assert second["next"] is None and second["previous"]


def test_it_refuses_bad_queries(api_client, regions_semarang):
    assert api_client.get(URL).status_code == 400
    only_lat = api_client.get(URL, {"lat": -7})
    assert only_lat.status_code == 400 and "lng" in only_lat.json()["error"]["fields"]
    kind = api_client.get(URL, {**TEMBALANG, "kind": "ward"})
    assert "kind" in kind.json()["error"]["fields"]
    assert api_client.get(URL, {**TEMBALANG, "page_size": 1000}).status_code == 400
    assert api_client.get(URL, {**TEMBALANG, "x": 1}).status_code == 400
    assert api_client.get(URL, {"area": "99.99"}).status_code == 404


def test_a_new_report_shows_in_the_next_search(api_client, kariadi):
    assert api_client.get(URL, TEMBALANG).json()["count"] == 0
    report(kariadi, {"igd": {"total": 2, "free": 2}})
    assert api_client.get(URL, TEMBALANG).json()["count"] == 1
    report(kariadi, {"igd": {"total": 2, "free": 0}})
    assert api_client.get(URL, TEMBALANG).json()["count"] == 0


def test_the_health_office_sees_occupancy_per_kota_over_time(
    auth_client, health_office, alice, kariadi, wongsonegoro
):
    now = timezone.now()
    yesterday = now - dt.timedelta(days=1)
    report(kariadi, {"icu": {"total": 10, "free": 5}}, reported_at=yesterday)
    report(wongsonegoro, {"icu": {"total": 10, "free": 5}}, reported_at=yesterday)
    report(
        kariadi,
        {"icu": {"total": 10, "free": 0}, "igd": {"total": 10, "free": 10}},
        reported_at=now,
    )
    today = now.astimezone(dt.timezone(dt.timedelta(hours=7))).date()

    response = auth_client(health_office).get(
        "/api/v1/facilities/beds/occupancy",
        {
            "area": "33.74",
            "date_from": (today - dt.timedelta(days=1)).isoformat(),
            "date_to": today.isoformat(),
        },
    )

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["date"], r["total"], r["occupied"], r["bor"]) for r in rows] == [
        ((today - dt.timedelta(days=1)).isoformat(), 20, 10, 0.5),
        (today.isoformat(), 30, 15, 0.5),
    ]
    assert rows[0]["regency"]["code"] == "33.74"
    icu = (
        auth_client(health_office)
        .get(
            "/api/v1/facilities/beds/occupancy",
            {
                "area": "33.74",
                "date_from": today.isoformat(),
                "date_to": today.isoformat(),
                "kind": "icu",
            },
        )
        .json()["results"]
    )
    assert (icu[0]["total"], icu[0]["occupied"]) == (20, 15)
    assert (
        auth_client(alice)
        .get("/api/v1/facilities/beds/occupancy", {"area": "33.74"})
        .status_code
        == 403
    )
    assert (
        auth_client(health_office)
        .get("/api/v1/facilities/beds/occupancy", {"area": "33.74.10"})
        .status_code
        == 400
    )


def test_occupancy_is_for_the_health_office_of_that_wilayah_kerja(
    auth_client, health_office, jakarta_office, curator, kariadi
):
    url = "/api/v1/facilities/beds/occupancy"
    report(kariadi, {"icu": {"total": 10, "free": 5}})
    assert auth_client(curator).get(url, {"area": "33.74"}).status_code == 403
    for area in ("33.74", "33"):
        outside = auth_client(jakarta_office).get(url, {"area": area})
        assert outside.status_code == 404
        assert outside.json()["error"]["code"] == "area_not_found"
    # Kota Semarang's office: its own kota, not the province above it.
    assert auth_client(health_office).get(url, {"area": "33"}).status_code == 404
    assert auth_client(health_office).get(url, {"area": "33.74"}).status_code == 200


def test_occupancy_takes_from_and_to_and_defaults_to_the_wilayah_kerja(
    auth_client, health_office, kariadi
):
    url = "/api/v1/facilities/beds/occupancy"
    report(kariadi, {"icu": {"total": 10, "free": 5}})
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    client = auth_client(health_office)

    new = client.get(url, {"from": today.isoformat(), "to": today.isoformat()})
    old = client.get(
        url,
        {"area": "33.74", "date_from": today.isoformat(), "date_to": today.isoformat()},
    )

    assert new.status_code == 200, new.json()
    assert new.json()["area"] == "33.74"
    assert new.json()["results"] == old.json()["results"]
    assert [r["total"] for r in new.json()["results"]] == [10]
    backwards = client.get(url, {"from": today.isoformat(), "to": "2026-01-01"})
    assert backwards.status_code == 400
    assert list(backwards.json()["error"]["fields"]) == ["from"]
