"""Integrated cases go to SATUSEHAT once, complete, and stay there once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from core.cases.services import reports_submit
from core.models import AuditLog, SatusehatRecord
from core.satusehat import fhir, services
from tests.satusehat.fake_centre import ORG_ID
from tests.satusehat.helpers import TODAY, case_report, nik_for, sync_until_done

pytestmark = pytest.mark.django_db


def test_it_sends_patient_encounter_condition_and_lab_observation(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(1), case_report(2)])

    result = sync_until_done()

    assert result.by_status == {"sent": 2}
    assert centre.count("Patient") == 2
    assert centre.count("Encounter") == 2
    assert centre.count("Condition") == 2
    assert centre.count("Observation") == 2
    niks = {v for s, v in centre.identifiers("Patient") if s == fhir.NIK_SYSTEM}
    assert niks == {nik_for(1)[0], nik_for(2)[0]}
    condition = centre.resources("Condition")[0]
    assert condition["code"]["coding"][0]["code"] == "U07.1"
    assert condition["subject"]["reference"].startswith("Patient/")
    row = SatusehatRecord.objects.get(object_id=condition["identifier"][0]["value"][5:])
    assert row.condition_id == condition["id"]
    assert row.patient_id and row.encounter_id and len(row.observation_ids) == 1
    assert condition["identifier"][0]["system"] == (
        f"http://sys-ids.kemkes.go.id/condition/{ORG_ID}"
    )
    assert AuditLog.objects.filter(action="satusehat.sent").count() == 2


def test_it_creates_nothing_twice_when_everything_is_sent_again(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(5)])
    sync_until_done()
    # The centre's ids forgotten and every row due again: a full resend.
    SatusehatRecord.objects.update(
        status="pending",
        patient_id="",
        encounter_id="",
        condition_id="",
        observation_ids={},
        sent_fingerprint="",
    )

    sync_until_done()

    for kind in ("Patient", "Encounter", "Condition", "Observation"):
        assert centre.count(kind) == 5, kind
    assert set(SatusehatRecord.objects.values_list("status", flat=True)) == {"sent"}


def test_it_updates_a_changed_case_in_place(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(1)])
    sync_until_done()
    first = SatusehatRecord.objects.get()
    recovered = {
        **case_report(1),
        "record_id": "LAB-R1",
        "status": "recovered",
        "event_date": TODAY.isoformat(),
        "test_type": "",
        "test_result": "",
        "specimen_type": "",
    }
    reports_submit(integrator=lab, reports=[recovered])

    sync_until_done()

    row = SatusehatRecord.objects.get()
    assert row.condition_id == first.condition_id and row.attempts == 1
    assert centre.count("Condition") == 1
    condition = centre.resources("Condition")[0]
    assert condition["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert condition["abatementDateTime"] == recovered["event_date"]


def test_it_gets_a_new_token_when_the_centre_says_401(centre, lab):
    reports_submit(integrator=lab, reports=[case_report(1)])
    sync_until_done()
    centre.expire_tokens()  # the cached token is now refused
    reports_submit(integrator=lab, reports=[case_report(2)])

    sync_until_done()

    assert centre.unauthorized == 1
    assert centre.token_requests == 2
    assert centre.count("Condition") == 2


def test_it_shows_the_centres_own_error_text_and_sends_the_rest(centre, lab):
    refused = nik_for(3)[0]
    centre.rejected_niks.add(refused)
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(1, 6)])

    result = sync_until_done()

    assert result.by_status == {"sent": 4, "permanent": 1}
    row = SatusehatRecord.objects.get(status="permanent")
    assert "tidak ditemukan di Dukcapil" in row.last_error
    assert row.last_error.startswith("HTTP 400: business-rule")
    assert centre.count("Condition") == 4
    assert AuditLog.objects.filter(action="satusehat.rejected").count() == 1
    # An operator retries it once the centre accepts it.
    centre.rejected_niks.clear()
    services.outbox_retry(ids=[row.pk])
    sync_until_done()
    assert SatusehatRecord.objects.filter(status="sent").count() == 5
    assert centre.count("Condition") == 5


def test_it_backs_off_on_429_and_5xx_and_loses_nothing(flaky_centre, lab, settings):
    settings.SATUSEHAT_BUNDLE_CASES = 5
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(300)])

    sync_until_done()

    assert flaky_centre.failures > 0
    assert SatusehatRecord.objects.filter(status="sent").count() == 300
    for kind in ("Patient", "Encounter", "Condition", "Observation"):
        assert flaky_centre.count(kind) == 300, kind
    assert SatusehatRecord.objects.filter(attempts__gt=1).exists()
    assert AuditLog.objects.filter(action="satusehat.failed").exists()


def test_it_sends_nothing_and_keeps_no_nik_when_switched_off(lab, settings):
    settings.SATUSEHAT_BASE_URL = ""
    reports_submit(integrator=lab, reports=[case_report(1)])

    from core.models import SatusehatNik
    from core.satusehat.tasks import satusehat_sync

    satusehat_sync.apply()
    assert not SatusehatNik.objects.exists()
    assert not SatusehatRecord.objects.exists()


def test_it_keeps_the_nik_encrypted(centre, lab):
    from core.models import SatusehatNik

    reports_submit(integrator=lab, reports=[case_report(1)])
    stored = SatusehatNik.objects.get()
    assert nik_for(1)[0] not in stored.nik_encrypted
    assert services.nik_vault_read([stored.nik_key]) == {stored.nik_key: nik_for(1)[0]}


def test_it_sends_isolation_vitals_as_observations(centre, alice, alice_isolating):
    from isolation import services as isolation_services
    from tests.isolation.helpers import new_client_id

    isolation_services.checkin_submit(
        patient=alice,
        client_id=new_client_id(),
        temperature=Decimal("38.2"),
        spo2=96,
        breathing_rate=20,
    )

    sync_until_done()

    codes = sorted(
        o["code"]["coding"][0]["code"] for o in centre.resources("Observation")
    )
    assert codes == ["59408-5", "8310-5", "9279-1"]
    temperature = next(
        o
        for o in centre.resources("Observation")
        if o["code"]["coding"][0]["code"] == "8310-5"
    )
    assert temperature["valueQuantity"] == {
        "value": 38.2,
        "unit": "Cel",
        "system": "http://unitsofmeasure.org",
        "code": "Cel",
    }
    encounter = centre.resources("Encounter")[0]
    assert encounter["class"]["code"] == "HH"
    assert centre.count("Patient") == 1


def test_the_periodic_sync_looks_only_at_what_changed_since_its_last_run(
    centre, lab, settings
):
    from core.satusehat.tasks import satusehat_sync

    now = timezone.now()
    reports_submit(integrator=lab, reports=[case_report(n) for n in range(3)])
    with time_machine.travel(now + dt.timedelta(minutes=10)):
        satusehat_sync.apply()
    assert centre.count("Condition") == 3
    scanned = []
    original = services.outbox_refresh

    def spy(**kwargs):
        result = original(**kwargs)
        scanned.append(result.scanned)
        return result

    later = time_machine.travel(now + dt.timedelta(minutes=20))
    with later, mock.patch("core.satusehat.services.sync.outbox_refresh", spy):
        reports_submit(integrator=lab, reports=[case_report(3)])
        satusehat_sync.apply()

    assert scanned == [1]
    assert centre.count("Condition") == 4


def test_wrong_credentials_keep_records_due_not_rejected(centre, lab, settings):
    settings.SATUSEHAT_CLIENT_SECRET = "wrong"
    reports_submit(integrator=lab, reports=[case_report(1)])

    services.satusehat_sync()

    row = SatusehatRecord.objects.get()
    assert row.status == "failed"
    assert "token refused (HTTP 401)" in row.last_error
    settings.SATUSEHAT_CLIENT_SECRET = "sigap-test-secret"
    sync_until_done()
    assert SatusehatRecord.objects.get().status == "sent"
