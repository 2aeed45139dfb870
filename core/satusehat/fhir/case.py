"""A case as Patient, Encounter, Condition and lab Observations."""

from __future__ import annotations

from core.satusehat.fhir.codes import (
    ACT_CODE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    ICD10,
    LAB_CODES,
    LOINC,
    OBSERVATION_CATEGORY,
    RESULT_CODES,
    SNOMED,
    identifier_system,
)
from core.satusehat.fhir.entries import (
    Entry,
    identified_entry,
    patient_entry,
    reference,
)
from core.satusehat.fhir.inputs import CaseInput, LabResult


def case_record_key(case_id: int) -> str:
    return f"case:{case_id}"


def case_condition(status: str, confirmed_on, recovered_on, died_on) -> dict | None:
    """ICD-10 code and statuses for a case; None when there is nothing to report
    (a discarded suspect that never was confirmed)."""
    if confirmed_on:
        code, display = "U07.1", "COVID-19, virus identified"
        verification = "confirmed"
    elif status == "discarded":
        code, display = "U07.2", "COVID-19, virus not identified"
        verification = "refuted"
    else:
        code, display = "U07.2", "COVID-19, virus not identified"
        verification = "confirmed" if status == "probable" else "provisional"
    clinical = "active"
    if recovered_on or status == "recovered":
        clinical = "resolved"
    elif died_on or status == "died" or status == "discarded":
        clinical = "inactive"
    return {
        "code": code,
        "display": display,
        "verification": verification,
        "clinical": clinical,
    }


def case_entries(case: CaseInput, organization_id: str) -> list[Entry]:
    """Patient, Encounter, Condition and the lab Observations of one case.
    `organization_id` is Sigap's own (the client's): it scopes the identifiers."""
    record = case_record_key(case.case_id)
    entries: list[Entry] = []
    patient = patient_entry(record, case.person, organization_id)
    if isinstance(patient, Entry):
        entries.append(patient)
    subject = reference(patient, "Patient")
    diagnosis = case_condition(
        case.status, case.confirmed_on, case.recovered_on, case.died_on
    )
    finished = diagnosis["clinical"] != "active"
    encounter_body: dict = {
        "resourceType": "Encounter",
        "status": "finished" if finished else "in-progress",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": subject,
        "period": {"start": case.day.isoformat()},
        "serviceProvider": {"reference": f"Organization/{case.organization_id}"},
    }
    end = case.recovered_on or case.died_on
    if finished and end and end >= case.day:
        encounter_body["period"]["end"] = end.isoformat()
    if case.location_id:
        encounter_body["location"] = [
            {"location": {"reference": f"Location/{case.location_id}"}}
        ]
    value = f"case-{case.case_id}"
    encounter = identified_entry(
        record,
        "encounter",
        encounter_body,
        system=identifier_system("encounter", organization_id),
        value=value,
        known_id=case.encounter_id,
    )
    entries.append(encounter)
    condition_body: dict = {
        "resourceType": "Condition",
        "clinicalStatus": {
            "coding": [{"system": CONDITION_CLINICAL, "code": diagnosis["clinical"]}]
        },
        "verificationStatus": {
            "coding": [
                {"system": CONDITION_VERIFICATION, "code": diagnosis["verification"]}
            ]
        },
        "category": [
            {"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
        ],
        "code": {
            "coding": [
                {
                    "system": ICD10,
                    "code": diagnosis["code"],
                    "display": diagnosis["display"],
                }
            ]
        },
        "subject": subject,
        "encounter": reference(encounter, "Encounter"),
        "onsetDateTime": case.day.isoformat(),
        "recordedDate": case.day.isoformat(),
    }
    if diagnosis["clinical"] == "resolved" and case.recovered_on:
        condition_body["abatementDateTime"] = case.recovered_on.isoformat()
    entries.append(
        identified_entry(
            record,
            "condition",
            condition_body,
            system=identifier_system("condition", organization_id),
            value=value,
            known_id=case.condition_id,
        )
    )
    for lab in case.labs:
        observation = lab_observation(lab, subject, reference(encounter, "Encounter"))
        if observation is None:
            continue
        entries.append(
            identified_entry(
                record,
                f"obs:{lab.key}",
                observation,
                system=identifier_system("observation", organization_id),
                value=f"lab:{lab.key}",
                known_id=case.observation_ids.get(lab.key, ""),
            )
        )
    return entries


def lab_observation(lab: LabResult, subject: dict, encounter: dict) -> dict | None:
    if lab.test_type not in LAB_CODES or lab.test_result not in RESULT_CODES:
        return None
    code, display = LAB_CODES[lab.test_type]
    result, result_display = RESULT_CODES[lab.test_result]
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory"}]}
        ],
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "subject": subject,
        "encounter": encounter,
        "effectiveDateTime": lab.date.isoformat(),
        "valueCodeableConcept": {
            "coding": [{"system": SNOMED, "code": result, "display": result_display}]
        },
    }
