"""Bed reports come in three ways (integrator API, hospital staff's form, admin);
every report is kept, the newest is current, over 24 h is stale."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from core.beds.rules import BED_KINDS
from core.models import BedAvailability, BedReport, Facility
from tests.beds.helpers import KARIADI, WONGSONEGORO, figures, report

URL = "/api/v1/facilities/beds/reports"
# Reports older than SIGAP_BED_REPORT_MAX_AGE_DAYS are refused.
RECENT = (timezone.now() - dt.timedelta(hours=3)).isoformat()


def row(key: str, code: str = KARIADI, **kwargs) -> dict:
    data = {
        "report_key": key,
        "hospital_code": code,
        "reported_at": RECENT,
        "oxygen_days": 2.5,
        "beds": {
            "icu_ventilator": {"total": 10, "free": 1},
            "isolation": {"total": 40, "free": 12},
            "igd": {"total": 20, "free": 5},
        },
    }
    data.update(kwargs)
    return data


def test_it_takes_a_batch_from_an_integrator_row_by_row(
    facilities, hospital_system, integrator_client
):
    client = integrator_client(hospital_system)
    bad = row("k3", beds={"icu": {"total": 1, "free": 4}})
    response = client.post(
        URL,
        {"reports": [row("k1"), row("k2", WONGSONEGORO), bad, row("k4", "NOPE")]},
        format="json",
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["created"], data["unchanged"], data["rejected"]) == (2, 0, 2)
    assert data["results"][2]["error"]["fields"] == {
        "beds.icu": "free tidak boleh melebihi total."
    }
    assert data["results"][3]["error"]["code"] == "hospital_not_found"
    current = BedAvailability.objects.get(facility__code=KARIADI)
    assert figures(current.beds)["isolation"] == {"total": 40, "free": 12}
    assert float(current.oxygen_days) == 2.5
    assert BedReport.objects.get(report_key="k1").source == "api"


def test_it_changes_nothing_when_a_batch_is_resent(
    facilities, hospital_system, integrator_client
):
    client = integrator_client(hospital_system)
    client.post(URL, {"reports": [row("k1")]}, format="json")

    again = client.post(URL, {"reports": [row("k1")]}, format="json").json()
    other = client.post(
        URL, {"reports": [row("k1", oxygen_days=9)]}, format="json"
    ).json()

    assert again["unchanged"] == 1 and again["created"] == 0
    assert other["results"][0]["error"]["code"] == "report_key_reused"
    assert BedReport.objects.count() == 1


def test_it_keeps_an_integrator_bound_to_a_hospital_to_that_hospital(
    facilities, kariadi, integrator_client
):
    from core.cases.services import integrator_create

    integrator, key = integrator_create(
        name="simrs-kariadi",
        display_name="SIMRS Kariadi",
        kind="hospital",
        facility=kariadi,
    )
    integrator.raw_key = key
    client = integrator_client(integrator)

    data = client.post(
        URL,
        {"reports": [row("own", code=None), row("other", WONGSONEGORO)]},
        format="json",
    ).json()

    assert data["results"][0]["status"] == "created"
    assert data["results"][1]["error"]["code"] == "hospital_not_allowed"
    assert not BedReport.objects.filter(facility__code=WONGSONEGORO).exists()


def test_it_refuses_reports_without_an_integrator_key(
    facilities, api_client, auth_client, alice
):
    assert (
        api_client.post(URL, {"reports": [row("k")]}, format="json").status_code == 401
    )
    response = auth_client(alice).post(URL, {"reports": [row("k")]}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"]


def test_it_refuses_an_empty_or_malformed_batch(
    facilities, hospital_system, integrator_client
):
    client = integrator_client(hospital_system)
    assert client.post(URL, {"reports": []}, format="json").status_code == 400
    response = client.post(URL, {"rows": []}, format="json")
    assert response.status_code == 400
    assert "rows" in response.json()["error"]["fields"]


def test_it_keeps_history_and_an_older_late_report_does_not_replace_the_current(
    kariadi,
):
    now = timezone.now()
    newer = report(kariadi, {"icu": {"total": 5, "free": 0}}, reported_at=now)
    older = report(
        kariadi,
        {"icu": {"total": 5, "free": 5}},
        reported_at=now - dt.timedelta(hours=2),
    )

    current = BedAvailability.objects.get(facility=kariadi)
    assert current.report_id == newer.pk
    assert figures(current.beds) == {"icu": {"total": 5, "free": 0}}
    assert set(
        BedReport.objects.filter(facility=kariadi).values_list("pk", flat=True)
    ) == {
        newer.pk,
        older.pk,
    }


def test_it_refuses_reports_from_the_future_and_for_a_puskesmas(facilities, kariadi):
    import pytest

    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as future:
        report(
            kariadi,
            {"icu": {"total": 1, "free": 1}},
            reported_at=timezone.now() + dt.timedelta(hours=1),
        )
    assert "reported_at" in future.value.fields
    puskesmas = Facility.objects.get(code="P3374100201")
    with pytest.raises(ApplicationError) as not_hospital:
        report(puskesmas, {"icu": {"total": 1, "free": 1}})
    assert not_hospital.value.code == "not_a_hospital"


def test_hospital_staff_report_their_hospital_from_the_form(hospital_staff, kariadi):
    client = Client()
    client.force_login(hospital_staff)
    page = client.get("/beds/")
    assert page.status_code == 200
    assert "Belum ada laporan" in page.content.decode()

    response = client.post(
        "/beds/",
        {
            "icu__total": "8",
            "icu__free": "3",
            "igd__total": "12",
            "igd__free": "0",
            "oxygen_days": "1.5",
        },
    )

    assert response.status_code == 302
    stored = BedReport.objects.get(facility=kariadi)
    assert stored.source == "form" and stored.reported_by == hospital_staff
    assert {c.kind: (c.total, c.free) for c in stored.counts.all()} == {
        "icu": (8, 3),
        "igd": (12, 0),
    }
    page = client.get("/beds/").content.decode()
    assert "ICU tanpa ventilator 3/8" in page


def test_the_form_refuses_more_free_than_total_and_other_roles(
    hospital_staff, nurse, kariadi
):
    client = Client()
    client.force_login(hospital_staff)
    page = client.post(
        "/beds/", {"icu__total": "1", "icu__free": "4", "igd__total": "3"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors == {
        "icu__free": [
            "ICU tanpa ventilator: tempat tidur kosong (4) tidak boleh melebihi "
            "total (1)."
        ],
        "igd__free": ["IGD: isi juga jumlah kosong."],
    }
    html = page.content.decode()
    assert 'name="icu__free" value="4" inputmode="numeric" min="0" max="10000"' in html
    assert 'aria-invalid="true"' in html and "free tidak boleh" not in html
    assert not BedReport.objects.exists()

    client.force_login(nurse)
    assert client.get("/beds/").status_code == 403


def test_hospital_staff_api_reports_and_reads_their_own_history(
    hospital_staff, auth_client, kariadi, wongsonegoro, alice
):
    report(wongsonegoro, {"igd": {"total": 3, "free": 3}})
    client = auth_client(hospital_staff)

    created = client.post(
        "/api/v1/facilities/beds/mine",
        {"beds": {"hcu": {"total": 4, "free": 1}}},
        format="json",
    )
    history = client.get("/api/v1/facilities/beds/mine").json()

    assert created.status_code == 201
    assert history["facility"]["id"] == kariadi.pk
    assert [r["beds"] for r in history["results"]] == [{"hcu": {"total": 4, "free": 1}}]
    bad = client.post(
        "/api/v1/facilities/beds/mine", {"beds": {"hcu": {"total": 1}}}, format="json"
    )
    assert bad.status_code == 400
    assert auth_client(alice).get("/api/v1/facilities/beds/mine").status_code == 403


def test_the_admin_reports_through_the_same_service_and_keeps_history(
    operator, kariadi
):
    client = Client()
    client.force_login(operator)
    response = client.post(
        "/admin/core/bedreport/add/",
        {
            "facility": kariadi.pk,
            "reported_at_0": "",
            "reported_at_1": "",
            "oxygen_days": "3",
            "isolation_negative__total": "6",
            "isolation_negative__free": "2",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = BedReport.objects.get(facility=kariadi)
    assert stored.source == "admin"
    assert figures(BedAvailability.objects.get(facility=kariadi).beds) == {
        "isolation_negative": {"total": 6, "free": 2}
    }
    listing = client.get("/admin/core/bedreport/")
    assert listing.status_code == 200
    assert client.post(f"/admin/core/bedreport/{stored.pk}/delete/").status_code == 403


def test_the_demo_seeds_fresh_reports_for_the_referral_hospitals_once(facilities):
    from core.beds.services import beds_demo_seed

    assert beds_demo_seed() == {"bed reports": 2}
    assert beds_demo_seed() == {"bed reports": 0}
    later = timezone.now() + dt.timedelta(hours=25)
    assert beds_demo_seed(now=later) == {"bed reports": 2}
    assert BedAvailability.objects.filter(reported_at=later).count() == 2


def test_it_refuses_reports_older_than_the_window(
    hospital_staff, auth_client, kariadi, settings
):
    client = auth_client(hospital_staff)
    old = client.post(
        "/api/v1/facilities/beds/mine",
        {
            "beds": {"icu": {"total": 1, "free": 1}},
            "reported_at": "1990-01-01T00:00:00Z",
        },
        format="json",
    )

    assert old.status_code == 400
    error = old.json()["error"]
    assert error["code"] == "invalid_bed_report"
    assert error["fields"] == {
        "reported_at": "Laporan terlalu lama: paling lama 7 hari sebelum sekarang."
    }
    assert not BedReport.objects.exists()
    settings.SIGAP_BED_REPORT_MAX_AGE_DAYS = 30
    ok = client.post(
        "/api/v1/facilities/beds/mine",
        {
            "beds": {"icu": {"total": 1, "free": 1}},
            "reported_at": (timezone.now() - dt.timedelta(days=20)).isoformat(),
        },
        format="json",
    )
    assert ok.status_code == 201


def test_the_history_shows_the_year_of_a_report_from_another_year(
    hospital_staff, kariadi, settings
):
    settings.SIGAP_BED_REPORT_MAX_AGE_DAYS = 3650
    last_year = timezone.now() - dt.timedelta(days=400)
    report(kariadi, {"icu": {"total": 1, "free": 1}}, reported_at=last_year)
    report(kariadi, {"igd": {"total": 2, "free": 1}})
    client = Client()
    client.force_login(hospital_staff)

    html = client.get("/beds/").content.decode()

    wib = last_year.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f"{wib:%d} " in html and f" {wib.year} " in html
    this_year = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=7))).year
    assert f" {this_year} " not in html.split('id="history"')[1].split("</li>")[0]


def test_the_oxygen_stock_is_documented_with_the_bounds_the_server_keeps(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]

    for name in ("BedReportRowDocRequest", "MyBedReportDocRequest"):
        oxygen = components[name]["properties"]["oxygen_days"]
        assert (oxygen.get("minimum"), oxygen.get("maximum")) == (0, 999.9), oxygen
    beds = components["BedsDocRequest"]["properties"]
    assert set(beds) == set(BED_KINDS)
