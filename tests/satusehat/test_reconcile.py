"""The 1,000 = 1,000 report and the records behind each difference."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from core.cases.services import reports_submit
from core.models import AuditLog, Case, SatusehatRecord
from core.satusehat.reconcile import reconciliation_run
from tests.satusehat.helpers import METESEH, case_report, nik_for, sync_until_done

pytestmark = pytest.mark.django_db
URL = "/api/v1/satusehat/reconciliation"


def test_it_finds_no_difference_when_the_centre_holds_everything(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(8)])
    sync_until_done()

    run = reconciliation_run()

    assert (run.sigap_total, run.centre_total, run.difference_count) == (8, 8, 0)


def test_it_lists_the_records_behind_each_difference(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(1, 5)])
    centre.rejected_niks.add(nik_for(2)[0])
    sync_until_done()
    # Sent, then lost at the centre.
    lost = SatusehatRecord.objects.get(object_id=Case.objects.order_by("id")[2].pk)
    with centre.lock:
        del centre.store["Condition"][lost.condition_id]
    # Reported after the last sync: not sent yet.
    reports_submit(integrator=lab, reports=[case_report(9)])
    # Sent, then merged away in Sigap: the centre still holds it.
    merged_away = Case.objects.order_by("id")[3]
    gone_row = SatusehatRecord.objects.get(object_id=merged_away.pk)
    Case.objects.filter(pk=merged_away.pk).update(status="discarded")

    run = reconciliation_run()

    kinds = {(d["kind"], d["case_id"]) for d in run.differences}
    rejected_case = SatusehatRecord.objects.get(status="permanent").object_id
    newest = Case.objects.order_by("-id").first().pk
    assert kinds == {
        ("rejected", rejected_case),
        ("sent_not_acknowledged", lost.object_id),
        ("not_sent", newest),
        ("centre_only", gone_row.object_id),
    }
    reasons = {d["kind"]: d["reason"] for d in run.differences}
    assert "Dukcapil" in reasons["rejected"]
    assert (run.sigap_total, run.centre_total) == (4, 2)


def test_the_health_office_sees_its_areas_report(
    centre, lab, auth_client, health_office, alice
):
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(4)])
    sync_until_done()
    reports_submit(integrator=lab, reports=[case_report(4)])  # not sent yet
    call_command("satusehat_reconcile", stdout=io.StringIO())

    response = auth_client(health_office).get(URL, {"area": "33.74.10"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert sum(d["sigap"] for d in body["days"]) == 5
    assert sum(d["centre"] for d in body["days"]) == 4
    assert [d["kind"] for d in body["differences"]] == ["not_sent"]
    assert AuditLog.objects.filter(action="satusehat.reconciliation.view").exists()
    one_village = auth_client(health_office).get(URL, {"area": METESEH}).json()
    assert sum(d["sigap"] for d in one_village["days"]) == 2

    assert auth_client(alice).get(URL, {"area": "33.74"}).status_code == 403
    assert auth_client(health_office).get(URL).status_code == 400
    assert auth_client(health_office).get(URL, {"area": "99.99"}).status_code == 404
    # Jawa Tengah is outside Kota Semarang's health office's wilayah kerja.
    assert auth_client(health_office).get(URL, {"area": "33"}).status_code == 404


def test_the_reconciliation_is_for_the_health_office_of_that_wilayah_kerja(
    centre, auth_client, curator, jakarta_office, regionless_office
):
    call_command("satusehat_reconcile", stdout=io.StringIO())
    for user in (curator, regionless_office):
        assert auth_client(user).get(URL, {"area": "33.74"}).status_code == 403
    outside = auth_client(jakarta_office).get(URL, {"area": "33.74"})
    assert outside.status_code == 404
    assert outside.json()["error"]["code"] == "area_not_found"
    assert not AuditLog.objects.filter(action="satusehat.reconciliation.view").exists()


def test_it_says_when_there_is_no_report_yet(
    centre, auth_client, health_office, regions_semarang
):
    response = auth_client(health_office).get(URL, {"area": "33.74"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "reconciliation_not_found"


def test_it_says_when_the_bridge_is_not_set_up(
    auth_client, health_office, regions_semarang, settings
):
    settings.SATUSEHAT_CLIENT_ID = ""
    response = auth_client(health_office).get(
        URL, {"area": "33.74"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "satusehat_not_configured"
    assert "not set up" in error["message"]


def test_the_command_prints_the_differences(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(1)])
    out = io.StringIO()
    call_command("satusehat_sync", "--dry-run", stdout=out)
    assert "dry run: 1 due, nothing sent" in out.getvalue()
    assert centre.count("Condition") == 0

    out = io.StringIO()
    call_command("satusehat_reconcile", stdout=out)
    assert "Sigap 1 cases, SATUSEHAT 0 acknowledged, 1 differences" in out.getvalue()
    assert "not_sent" in out.getvalue()


def test_the_nightly_job_runs_once_a_night_after_one_oclock(centre):
    import datetime as dt

    import time_machine

    from core.satusehat.reconcile import reconciliation_due
    from core.satusehat.tasks import satusehat_reconcile_nightly

    wib = dt.timezone(dt.timedelta(hours=7))
    with time_machine.travel(dt.datetime(2026, 12, 3, 0, 30, tzinfo=wib), tick=False):
        assert not reconciliation_due()
    with time_machine.travel(dt.datetime(2026, 12, 3, 1, 5, tzinfo=wib), tick=False):
        assert reconciliation_due()
        satusehat_reconcile_nightly.apply()
        assert not reconciliation_due()
    with time_machine.travel(dt.datetime(2026, 12, 4, 1, 5, tzinfo=wib), tick=False):
        assert reconciliation_due()
