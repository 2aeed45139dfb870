"""The mapping: pure, validated, only the fields the profile needs."""

from __future__ import annotations

import datetime as dt

import pytest

from core.satusehat import fhir

D = dt.date(2026, 11, 20)


@pytest.mark.parametrize(
    ("status", "confirmed", "recovered", "died", "expected"),
    [
        ("confirmed", D, None, None, ("U07.1", "confirmed", "active")),
        ("recovered", D, D, None, ("U07.1", "confirmed", "resolved")),
        ("died", D, None, D, ("U07.1", "confirmed", "inactive")),
        ("probable", None, None, None, ("U07.2", "confirmed", "active")),
        ("suspect", None, None, None, ("U07.2", "provisional", "active")),
        ("discarded", None, None, None, ("U07.2", "refuted", "inactive")),
    ],
)
def test_it_codes_the_condition(status, confirmed, recovered, died, expected):
    got = fhir.case_condition(status, confirmed, recovered, died)
    assert (got["code"], got["verification"], got["clinical"]) == expected


def case(**overrides) -> fhir.CaseInput:
    values = {
        "case_id": 7,
        "person": fhir.Person(
            "3374101204910001", "Budi", D.replace(year=1991), "M", "x"
        ),
        "status": "confirmed",
        "day": D,
        "confirmed_on": D,
        "recovered_on": None,
        "died_on": None,
        "organization_id": "ORG-FAC",
        "location_id": "LOC-1",
        "labs": (fhir.LabResult("lab:1", "antigen", "positive", D),),
    }
    return fhir.CaseInput(**{**values, **overrides})


def test_it_builds_conditional_creates_with_business_identifiers():
    entries = fhir.case_entries(case(), "ORG")

    assert [e.role for e in entries] == [
        "patient",
        "encounter",
        "condition",
        "obs:lab:1",
    ]
    patient = entries[0].body
    assert patient["request"] == {
        "method": "POST",
        "url": "Patient",
        "ifNoneExist": "identifier=https://fhir.kemkes.go.id/id/nik|3374101204910001",
    }
    assert set(patient["resource"]) == {
        "resourceType", "identifier", "active", "name", "gender", "birthDate"
    }  # fmt: skip
    condition = entries[2].body
    assert condition["request"]["ifNoneExist"] == (
        "identifier=http://sys-ids.kemkes.go.id/condition/ORG|case-7"
    )
    assert condition["resource"]["subject"] == {"reference": patient["fullUrl"]}
    encounter = entries[1].body["resource"]
    assert encounter["serviceProvider"] == {"reference": "Organization/ORG-FAC"}
    assert encounter["location"] == [{"location": {"reference": "Location/LOC-1"}}]
    observation = entries[3].body["resource"]
    assert observation["code"]["coding"][0]["code"] == "94558-4"


def test_it_updates_by_the_centres_id_once_known():
    known = case(
        person=fhir.Person("3374101204910001", "Budi", None, "M", "x", patient_id="P1"),
        encounter_id="E1",
        condition_id="C1",
        observation_ids={"lab:1": "O1"},
    )

    entries = fhir.case_entries(known, "ORG")

    assert [e.body["request"] for e in entries] == [
        {"method": "PUT", "url": "Encounter/E1"},
        {"method": "PUT", "url": "Condition/C1"},
        {"method": "PUT", "url": "Observation/O1"},
    ]
    assert entries[1].body["resource"]["subject"] == {"reference": "Patient/P1"}


def test_the_same_record_maps_to_the_same_bundle():
    assert fhir.transaction_bundle(fhir.case_entries(case(), "ORG")) == (
        fhir.transaction_bundle(fhir.case_entries(case(), "ORG"))
    )


def test_it_refuses_an_invalid_resource():
    with pytest.raises(fhir.MappingError):
        fhir.validate({"resourceType": "Patient", "birthDate": "20-11-2026"})


def test_it_reads_ids_and_error_text_from_the_centres_answers():
    response = {
        "entry": [
            {
                "response": {
                    "status": "201 Created",
                    "location": "Patient/P9/_history/1",
                }
            },
            {"response": {"status": "200 OK", "location": "Condition/C9"}},
        ]
    }
    assert fhir.response_ids(response) == ["P9", "C9"]
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"code": "invalid", "details": {"text": "NIK tidak valid"}}],
    }
    assert fhir.outcome_text(outcome) == "invalid: NIK tidak valid"
