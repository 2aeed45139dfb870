"""POST /api/v1/cases/fhir: lab results as a FHIR Bundle become case reports."""

from __future__ import annotations

import pytest

from core.models import Case, CaseReport
from tests.satusehat.helpers import TODAY, nik_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/cases/fhir"
ADMIN = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"


def patient(n: int, village: str = "3374101001") -> dict:
    nik, born = nik_for(n)
    return {
        "resourceType": "Patient",
        "identifier": [{"system": "https://fhir.kemkes.go.id/id/nik", "value": nik}],
        "name": [{"use": "official", "text": f"Pasien Lab {n}"}],
        "gender": "male",
        "birthDate": born.isoformat(),
        "address": [
            {
                "use": "home",
                "extension": [
                    {
                        "url": ADMIN,
                        "extension": [
                            {"url": "province", "valueCode": "33"},
                            {"url": "city", "valueCode": "3374"},
                            {"url": "district", "valueCode": "337410"},
                            {"url": "village", "valueCode": village},
                        ],
                    }
                ],
            }
        ],
    }


def observation(n: int, *, code="94500-6", result="10828004", subject=None) -> dict:
    return {
        "resourceType": "Observation",
        "identifier": [
            {
                "system": "http://sys-ids.kemkes.go.id/observation/LAB1",
                "value": f"OBS-{n}",
            }
        ],
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": subject or f"urn:uuid:p-{n}"},
        "specimen": {"reference": f"urn:uuid:s-{n}"},
        "effectiveDateTime": f"{TODAY.isoformat()}T08:00:00+07:00",
        "valueCodeableConcept": {
            "coding": [{"system": "http://snomed.info/sct", "code": result}]
        },
    }


def specimen(n: int) -> dict:
    return {
        "resourceType": "Specimen",
        "type": {"coding": [{"system": "http://snomed.info/sct", "code": "258500001"}]},
        "subject": {"reference": f"urn:uuid:p-{n}"},
    }


def bundle(*numbers: int, extra: list | None = None) -> dict:
    entries = []
    for n in numbers:
        entries += [
            {"fullUrl": f"urn:uuid:p-{n}", "resource": patient(n)},
            {"fullUrl": f"urn:uuid:s-{n}", "resource": specimen(n)},
            {"fullUrl": f"urn:uuid:o-{n}", "resource": observation(n)},
        ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": entries + (extra or []),
    }


@pytest.fixture
def lab_client(lab, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {lab.raw_key}")
    return api_client


def test_it_turns_lab_observations_into_case_reports(lab_client):
    response = lab_client.post(URL, bundle(1, 2), format="json")

    assert response.status_code == 200, response.json()
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][-1]["severity"] == "information"
    report = CaseReport.objects.get(record_id="OBS-1")
    assert (report.status, report.test_type, report.test_result) == (
        "confirmed",
        "pcr",
        "positive",
    )
    assert report.specimen_type == "nasopharyngeal_swab"
    assert report.kelurahan_id == "33.74.10.1001"
    assert report.event_date == TODAY
    assert Case.objects.count() == 2
    assert Case.objects.filter(nik_key__isnull=False).count() == 2


def test_it_merges_with_the_same_person_from_the_json_api(lab_client, lab):
    from core.cases.services import reports_submit
    from tests.satusehat.helpers import case_report

    reports_submit(integrator=lab, reports=[case_report(1, record_id="JSON-1")])

    assert lab_client.post(URL, bundle(1), format="json").status_code == 200

    assert Case.objects.count() == 1
    assert Case.objects.get().report_count == 2


def test_it_is_idempotent(lab_client):
    lab_client.post(URL, bundle(1), format="json")
    response = lab_client.post(URL, bundle(1), format="json")

    assert response.status_code == 200
    assert "1 tanpa perubahan" in response.json()["issue"][-1]["diagnostics"]
    assert CaseReport.objects.count() == 1


def test_it_reports_errors_per_entry_and_keeps_the_good_ones(lab_client):
    broken = bundle(
        1,
        extra=[
            {
                "fullUrl": "urn:uuid:o-7",
                "resource": observation(7, code="12345-6", subject="urn:uuid:p-1"),
            },
            {
                "fullUrl": "urn:uuid:o-8",
                "resource": {"resourceType": "Observation", "status": "bogus"},
            },
            {
                "fullUrl": "urn:uuid:o-9",
                "resource": observation(9, subject="urn:uuid:nobody"),
            },
        ],
    )
    bad_patient = patient(5, village="9999999999")
    broken["entry"] += [
        {"fullUrl": "urn:uuid:p-5", "resource": bad_patient},
        {"fullUrl": "urn:uuid:o-5", "resource": observation(5)},
    ]

    response = lab_client.post(URL, broken, format="json")

    assert response.status_code == 200, response.json()
    issues = [i for i in response.json()["issue"] if i["severity"] == "error"]
    where = {i["expression"][0]: i["diagnostics"] for i in issues}
    assert "LOINC" in where["Bundle.entry[3].resource.code"]
    assert "Bundle.entry[4].resource" in where  # not a valid FHIR Observation
    assert "Patient" in where["Bundle.entry[5].resource.subject"]
    kelurahan = where[
        "Bundle.entry[7].resource.subject(Patient).address.extension(administrativeCode).village"
    ]
    assert "kelurahan" in kelurahan.lower() or "kode" in kelurahan.lower()
    assert list(CaseReport.objects.values_list("record_id", flat=True)) == ["OBS-1"]


def test_it_answers_400_when_nothing_could_be_read(lab_client):
    response = lab_client.post(
        URL, bundle(extra=[{"resource": observation(1, code="0000-0")}]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"

    response = lab_client.post(URL, {"resourceType": "Patient"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_bundle"


def test_it_wants_an_integrator_key(api_client, auth_client, alice, regions_semarang):
    assert api_client.post(URL, bundle(1), format="json").status_code == 401
    assert auth_client(alice).post(URL, bundle(1), format="json").status_code == 403
    api_client.credentials(HTTP_AUTHORIZATION="Bearer sgi_nope_nope")
    assert api_client.post(URL, bundle(1), format="json").status_code == 401
