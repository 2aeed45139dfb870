"""A report of some kinds (the ICU nurse counts the ICU only) updates those kinds;
the others keep their last figure and its time, in every place that reads beds:
the public search, the health office's occupancy, the referral ranking, the staff
form and API, the integrators' batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.beds.selectors import referral_hospitals_ranked
from core.models import BedAvailability
from tests.beds.helpers import figures, report

FULL = {
    "icu": {"total": 16, "free": 2},
    "isolation": {"total": 120, "free": 18},
    "igd": {"total": 40, "free": 7},
}
ICU_ONLY = {"icu": {"total": 16, "free": 1}}


@pytest.fixture
def earlier():
    return timezone.now() - dt.timedelta(hours=2)


def test_a_report_of_one_kind_keeps_the_others_with_their_own_time(kariadi, earlier):
    first = report(kariadi, FULL, reported_at=earlier, oxygen_days="4.5")
    second = report(kariadi, ICU_ONLY)

    current = BedAvailability.objects.get(facility=kariadi)
    assert figures(current.beds) == {**FULL, **ICU_ONLY}
    assert current.beds["icu"]["report_id"] == second.pk
    assert current.beds["igd"]["report_id"] == first.pk
    assert dt.datetime.fromisoformat(current.beds["igd"]["reported_at"]) == earlier
    assert current.report_id == second.pk and current.reported_at == second.reported_at
    # The ICU report said nothing of oxygen: the last stock stays, with its time.
    assert str(current.oxygen_days) == "4.5" and current.oxygen_reported_at == earlier


def test_a_late_older_report_fills_in_kinds_but_never_overwrites_newer_ones(
    kariadi, earlier
):
    report(kariadi, ICU_ONLY)
    report(
        kariadi,
        {"icu": {"total": 16, "free": 9}, "hcu": {"total": 4, "free": 4}},
        reported_at=earlier,
    )

    current = BedAvailability.objects.get(facility=kariadi)
    assert figures(current.beds) == {**ICU_ONLY, "hcu": {"total": 4, "free": 4}}


def test_the_public_search_shows_every_kind_with_its_own_time(
    api_client, kariadi, earlier
):
    report(kariadi, FULL, reported_at=timezone.now() - dt.timedelta(hours=30))
    report(kariadi, ICU_ONLY)

    row = next(
        h
        for h in api_client.get("/api/v1/facilities/beds", {"area": "33.74"}).json()[
            "results"
        ]
        if h["name"] == "RSUP Dr. Kariadi"
    )

    assert figures(row["beds"]) == {**FULL, **ICU_ONLY}
    assert row["free"] == 1 + 18 + 7
    assert row["beds"]["icu"]["stale"] is False
    assert row["beds"]["igd"]["stale"] is True
    assert row["beds"]["icu"]["updated_at"] > row["beds"]["igd"]["updated_at"]
    assert row["updated_at"] == row["beds"]["icu"]["updated_at"]
    assert row["stale"] is True  # some figure shown is over 24 h old


def test_occupancy_counts_the_kinds_a_report_left_out(
    auth_client, health_office, kariadi, earlier
):
    report(kariadi, FULL, reported_at=earlier)
    report(kariadi, ICU_ONLY)
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=7))).date()

    rows = (
        auth_client(health_office)
        .get(
            "/api/v1/facilities/beds/occupancy",
            {"area": "33.74", "from": today.isoformat(), "to": today.isoformat()},
        )
        .json()["results"]
    )

    assert [(r["total"], r["free"], r["hospitals_reporting"]) for r in rows] == [
        (16 + 120 + 40, 1 + 18 + 7, 1)
    ]


def test_occupancy_drops_a_kind_last_reported_over_7_days_before(
    auth_client, health_office, kariadi, settings
):
    settings.SIGAP_BED_REPORT_MAX_AGE_DAYS = 30
    report(kariadi, FULL, reported_at=timezone.now() - dt.timedelta(days=9))
    report(kariadi, ICU_ONLY)

    rows = (
        auth_client(health_office)
        .get("/api/v1/facilities/beds/occupancy", {"area": "33.74"})
        .json()["results"]
    )

    assert (rows[-1]["total"], rows[-1]["free"]) == (16, 1)


def test_referral_ranking_trusts_only_fresh_figures_of_the_needed_kinds(
    kariadi, wongsonegoro
):
    # Kariadi's isolation beds were counted 30 h ago; its ICU just now.
    report(kariadi, FULL, reported_at=timezone.now() - dt.timedelta(hours=30))
    report(kariadi, ICU_ONLY)
    report(wongsonegoro, {"isolation": {"total": 80, "free": 1}})

    ranked = referral_hospitals_ranked(
        origin=(kariadi.latitude, kariadi.longitude),
        kinds=("isolation_negative", "isolation", "igd"),
    )

    assert [h["name"] for h in ranked] == [
        "RSUD K.R.M.T. Wongsonegoro",
        "RSUP Dr. Kariadi",
    ]
    assert (ranked[1]["free_needed"], ranked[1]["free_needed_fresh"]) == (25, 0)
    assert ranked[1]["needed_stale"] is True
    assert ranked[0]["needed_stale"] is False


def test_staff_see_the_whole_current_picture_in_the_api_and_the_form(
    hospital_staff, auth_client, kariadi, earlier
):
    report(kariadi, FULL, reported_at=earlier)
    client = auth_client(hospital_staff)

    created = client.post(
        "/api/v1/facilities/beds/mine", {"beds": ICU_ONLY}, format="json"
    )
    mine = client.get("/api/v1/facilities/beds/mine").json()

    assert created.status_code == 201
    assert figures(created.json()["current"]["beds"]) == {**FULL, **ICU_ONLY}
    assert figures(mine["current"]["beds"]) == {**FULL, **ICU_ONLY}
    assert [figures(r["beds"]) for r in mine["results"]] == [ICU_ONLY, FULL]
    page = Client()
    page.force_login(hospital_staff)
    html = page.get("/beds/").content.decode()
    assert 'id="row-isolation"' in html and "18/120 ·" in html and "1/16 ·" in html
    # Rows are empty: sending the form unchanged re-dates nothing.
    assert 'name="igd__total" value=' not in html


def test_the_form_reports_only_the_rows_filled_in(hospital_staff, kariadi, earlier):
    report(kariadi, FULL, reported_at=earlier)
    client = Client()
    client.force_login(hospital_staff)

    response = client.post("/beds/", {"icu__total": "16", "icu__free": "1"})

    assert response.status_code == 302
    current = BedAvailability.objects.get(facility=kariadi)
    assert figures(current.beds) == {**FULL, **ICU_ONLY}
    assert dt.datetime.fromisoformat(current.beds["igd"]["reported_at"]) == earlier


def test_an_integrators_partial_row_keeps_the_other_kinds(
    kariadi, hospital_system, integrator_client, earlier
):
    report(kariadi, FULL, reported_at=earlier)
    client = integrator_client(hospital_system)

    data = client.post(
        "/api/v1/facilities/beds/reports",
        {
            "reports": [
                {"report_key": "icu-1", "hospital_code": kariadi.code, "beds": ICU_ONLY}
            ]
        },
        format="json",
    ).json()

    assert data["created"] == 1
    current = BedAvailability.objects.get(facility=kariadi)
    assert figures(current.beds) == {**FULL, **ICU_ONLY}
