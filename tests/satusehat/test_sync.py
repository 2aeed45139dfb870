"""Integrated cases go to SATUSEHAT once, complete, and stay there once."""

from __future__ import annotations

import pytest

from core.cases.services import reports_submit
from core.models import AuditLog, SatusehatRecord
from core.satusehat import fhir
from tests.satusehat.conftest import ORG_ID, case_report, nik_for, sync_until_done

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
